//! Options several commands share: tool names, `--asset`, `--target`.

use anyhow::Result;

use crate::catalog::Catalog;
use crate::error::{ExitCode, UserError};
use crate::platform::Platform;
use crate::request::spec::ToolSpec;
use crate::request::tool::{Overrides, Tool};

/// Parse every tool the user named and resolve it against the catalog. A malformed name is a
/// usage error for the whole command; a name the catalog lacks fails that tool alone.
pub fn tools(
    texts: &[String],
    catalog: &Catalog,
    overrides: &Overrides,
) -> Result<Vec<(ToolSpec, Result<Tool, UserError>)>> {
    let specs = texts
        .iter()
        .map(|text| ToolSpec::parse(text))
        .collect::<Result<Vec<_>, _>>()?;
    let resolved: Vec<_> = specs
        .into_iter()
        .map(|spec| {
            let tool = Tool::resolve(&spec, catalog, overrides);
            (spec, tool)
        })
        .collect();
    for (i, (spec, tool)) in resolved.iter().enumerate() {
        let Ok(tool) = tool else { continue };
        let twin = resolved[..i]
            .iter()
            .find(|(_, other)| other.as_ref().is_ok_and(|o| o.name == tool.name));
        if let Some((other, _)) = twin {
            return Err(UserError::new(format!(
                "`{}` is named twice (`{}`, `{}`)",
                tool.name, other.raw, spec.raw
            ))
            .exit(ExitCode::Usage)
            .into());
        }
    }
    Ok(resolved)
}

pub fn asset_pattern(pattern: Option<&str>) -> Result<Option<regex::Regex>> {
    pattern
        .map(|p| {
            regex::Regex::new(p).map_err(|err| {
                UserError::new(format!("`--asset {p}` is not a valid regular expression"))
                    .caused_by(err.to_string())
                    .exit(ExitCode::Usage)
                    .into()
            })
        })
        .transpose()
}

pub fn target(target: Option<&str>) -> Result<Platform> {
    match target {
        None => Ok(crate::platform::host::platform()),
        Some(text) => text.parse::<Platform>().map_err(|err| {
            UserError::new(format!("unknown platform `{text}`"))
                .caused_by(err.to_string())
                .exit(ExitCode::Usage)
                .into()
        }),
    }
}
