//! `PageSize` / `NextToken` paging over name-ordered collections.
//!
//! A token encodes the last name returned, so paging stays correct when items are created or
//! deleted between pages (as it does against the real service).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use super::errors::ApiError;
use super::protocol::ApiRequest;

const DEFAULT_PAGE_SIZE: usize = 100;
const MAX_PAGE_SIZE: i64 = 1000;

/// The paging and filter members shared by the `List*` inputs.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListInput {
    #[serde(default)]
    pub filter: std::collections::BTreeMap<String, String>,
    pub next_token: Option<String>,
    pub page_size: Option<i64>,
}

impl ListInput {
    /// From the JSON body (current SDKs) or the query string (older SDKs list with GET).
    pub fn from_request(request: &ApiRequest) -> Result<Self, ApiError> {
        let mut input: Self = request.json()?;
        if let Some(token) = request.query_first("NextToken") {
            input.next_token = Some(token.to_owned());
        }
        if let Some(size) = request.query_first("PageSize") {
            let size = size
                .parse()
                .map_err(|_| ApiError::bad_request(format!("Invalid PageSize <{size}>.")))?;
            input.page_size = Some(size);
        }
        Ok(input)
    }

    /// Rejects filter keys other than `allowed`.
    pub fn check_filter_keys(&self, allowed: &[&str]) -> Result<(), ApiError> {
        match self
            .filter
            .keys()
            .find(|key| !allowed.contains(&key.as_str()))
        {
            Some(key) => Err(ApiError::bad_request(format!(
                "Invalid filter key <{key}>; valid keys: {}.",
                allowed.join(", ")
            ))),
            None => Ok(()),
        }
    }

    /// One page of `names` (sorted, unique) and the token for the next page, if any.
    pub fn page<'a, T>(
        &self,
        items: impl Iterator<Item = (&'a String, T)>,
    ) -> Result<(Vec<T>, Option<String>), ApiError> {
        let size = match self.page_size {
            None | Some(0) => DEFAULT_PAGE_SIZE,
            Some(size @ 1..=MAX_PAGE_SIZE) => size as usize,
            Some(size) => {
                return Err(ApiError::bad_request(format!(
                    "PageSize must be between 0 and {MAX_PAGE_SIZE}, got {size}."
                )));
            }
        };
        let after = self.next_token.as_deref().map(decode_token).transpose()?;
        let mut rest = items
            .filter(|(name, _)| after.as_deref().is_none_or(|after| name.as_str() > after))
            .peekable();
        let mut page = Vec::new();
        let mut last = None;
        while page.len() < size {
            let Some((name, item)) = rest.next() else {
                break;
            };
            last = Some(name);
            page.push(item);
        }
        let token = match (rest.peek(), last) {
            (Some(_), Some(last)) => Some(URL_SAFE_NO_PAD.encode(last)),
            _ => None,
        };
        Ok((page, token))
    }
}

fn decode_token(token: &str) -> Result<String, ApiError> {
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| ApiError::bad_request("Invalid NextToken."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("item-{i:02}")).collect()
    }

    fn list(items: &[String], input: &ListInput) -> (Vec<String>, Option<String>) {
        input
            .page(items.iter().map(|name| (name, name.clone())))
            .unwrap()
    }

    #[test]
    fn walks_all_pages_exactly_once() {
        let items = names(7);
        let mut input = ListInput {
            page_size: Some(3),
            ..Default::default()
        };
        let mut seen = Vec::new();
        let mut pages = 0;
        loop {
            let (page, token) = list(&items, &input);
            pages += 1;
            seen.extend(page);
            match token {
                Some(token) => input.next_token = Some(token),
                None => break,
            }
        }
        assert_eq!(seen, items);
        assert_eq!(pages, 3);
    }

    #[test]
    fn exact_fit_has_no_token() {
        let items = names(3);
        let input = ListInput {
            page_size: Some(3),
            ..Default::default()
        };
        assert_eq!(list(&items, &input).1, None);
    }

    #[test]
    fn rejects_bad_sizes_and_tokens() {
        let items = names(1);
        for input in [
            ListInput {
                page_size: Some(1001),
                ..Default::default()
            },
            ListInput {
                page_size: Some(-1),
                ..Default::default()
            },
            ListInput {
                next_token: Some("%%%".into()),
                ..Default::default()
            },
        ] {
            let err = input.page(items.iter().map(|name| (name, ()))).unwrap_err();
            assert_eq!(err.error_type, "BadRequestException");
        }
    }

    #[test]
    fn filter_keys_are_checked() {
        let mut input = ListInput::default();
        input.filter.insert("NAME".into(), "x".into());
        assert!(input.check_filter_keys(&["IDENTITY_TYPE"]).is_err());
        assert!(input.check_filter_keys(&["NAME"]).is_ok());
    }
}
