//! What an API answer's `Link` header (RFC 8288) says about the pages after it. GitHub sends
//! `rel="next"` while more pages follow; Gitea, GitHub Enterprise and proxies that cap
//! `per_page` below what was asked send it too, so a short page is not taken for the last one
//! when the server says otherwise.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Paging {
    /// No `Link` header: the answer does not say whether more pages follow.
    #[default]
    Unstated,
    /// A `rel="next"` link: more pages follow.
    More,
    /// A `Link` header without `rel="next"`: this is the last page.
    Last,
}

impl Paging {
    /// Read the `Link` header's values (`<URL>; rel="next", <URL>; rel="last"`). The URLs
    /// are not followed: the caller asks for the next page itself, of the server it chose.
    pub fn from_links<'a>(values: impl IntoIterator<Item = &'a str>) -> Paging {
        let mut paging = Paging::Unstated;
        for value in values {
            paging = Paging::Last;
            if links(value).any(|rels| rels.split_ascii_whitespace().any(is_next)) {
                return Paging::More;
            }
        }
        paging
    }

    /// For serde's `skip_serializing_if`, which passes a reference.
    #[allow(clippy::trivially_copy_pass_by_ref)]
    pub fn is_unstated(&self) -> bool {
        *self == Paging::Unstated
    }
}

fn is_next(rel: &str) -> bool {
    rel.eq_ignore_ascii_case("next")
}

/// The `rel` parameter of each link in one header value. A URL is inside `<…>` and may hold
/// `,` and `;`, so the parameters are read from after its `>` to the next link's `<`.
fn links(value: &str) -> impl Iterator<Item = &str> {
    value.split('<').skip(1).filter_map(|link| {
        let (_url, params) = link.split_once('>')?;
        params.split([';', ',']).find_map(|param| {
            let (name, rel) = param.split_once('=')?;
            name.trim()
                .eq_ignore_ascii_case("rel")
                .then(|| rel.trim().trim_matches('"'))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_next_from_a_link_header() {
        let github = r#"<https://api.github.com/repositories/1/releases?per_page=100&page=2>; rel="next", <https://api.github.com/repositories/1/releases?per_page=100&page=5>; rel="last""#;
        assert_eq!(Paging::from_links([github]), Paging::More);
        let last = r#"<https://api.github.com/r?page=1>; rel="prev", <https://api.github.com/r?page=1>; rel="first""#;
        assert_eq!(Paging::from_links([last]), Paging::Last);
        assert_eq!(Paging::from_links([]), Paging::Unstated);
        // Unquoted, in another case, among other relations, and in a second header line.
        assert_eq!(
            Paging::from_links(["<a?p=1>; rel=prev", "<a?p=3>; REL=\"last Next\""]),
            Paging::More
        );
        // A URL that holds `,` and `;` and even `rel="next"` is not read as parameters.
        assert_eq!(
            Paging::from_links([r#"<https://x/r?q=a,b;rel="next">; rel="last""#]),
            Paging::Last
        );
        assert_eq!(Paging::from_links(["garbage"]), Paging::Last);
    }
}
