//! `haul which TOOL`: the path of an installed tool's executable, for scripts. Exits 1 when the
//! tool is not installed, or its link or the file behind it is missing.

use anyhow::Result;

use crate::cli::WhichArgs;
use crate::commands::options;
use crate::context::Context;
use crate::error::{ExitCode, UserError};
use crate::store::link;

pub fn which(args: &WhichArgs, ctx: &Context) -> Result<ExitCode> {
    // The name itself first: one small file, for scripts that call `which` often.
    let by_name = crate::request::names::segment(crate::request::names::NameKind::Tool, &args.tool)
        .ok()
        .and_then(|name| ctx.store.read(name).ok().flatten());
    let record = if let Some(record) = by_name {
        record
    } else {
        let records = ctx.store.records()?;
        let Some((record, _)) = options::installed(&args.tool, &records.ok, ctx)? else {
            return Err(options::not_installed(&args.tool).into());
        };
        record.clone()
    };
    // The executable the name refers to: the one linked under that name, else the first; in
    // this bin dir when it is linked here.
    let wanted = args.tool.strip_suffix(".exe").unwrap_or(&args.tool);
    let bin_dir = &ctx.settings.paths.bin_dir;
    let named = |l: &&crate::store::Link| l.bin.strip_suffix(".exe").unwrap_or(&l.bin) == wanted;
    let chosen = record
        .links
        .iter()
        .filter(named)
        .min_by_key(|l| l.path.parent() != Some(bin_dir.as_path()))
        .or_else(|| {
            record
                .links
                .iter()
                .min_by_key(|l| l.path.parent() != Some(bin_dir.as_path()))
        });
    let Some(chosen) = chosen else {
        return Err(
            UserError::new(format!("`{}` has no active version linked", record.name))
                .hint(format!(
                    "make one active with `haul install {}`",
                    record.name
                ))
                .into(),
        );
    };
    let target = ctx.store.link_target(&record, chosen);
    let whole = target
        .as_ref()
        .is_some_and(|t| t.is_file() && link::points_to(&chosen.path, t));
    if !whole {
        return Err(UserError::new(format!(
            "`{}` is installed, but `{}` is missing or broken",
            record.name,
            chosen.path.display()
        ))
        .hint(format!(
            "repair it with `haul install {}`, or see `haul doctor`",
            record.name
        ))
        .into());
    }
    ctx.printer.data(&chosen.path.display().to_string())?;
    Ok(ExitCode::Success)
}
