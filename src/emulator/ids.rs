//! Random identifiers shaped like the real ones. Not cryptographic: they only need to differ.

/// An Easy DKIM token: 32 lowercase letters and digits, like `abcd...`.
pub fn dkim_token() -> String {
    (0..32)
        .map(|_| {
            let n = fastrand::u8(0..36);
            char::from_digit(u32::from(n), 36).unwrap_or('0')
        })
        .collect()
}

/// A support case id for a production access review: ten digits.
pub fn case_id() -> String {
    format!("{}", fastrand::u64(1_000_000_000..10_000_000_000))
}

/// A request id in UUID shape, for `x-amzn-RequestId`.
pub fn request_id() -> String {
    let n = fastrand::u128(..);
    let hex = format!("{n:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Seconds since the Unix epoch, as SESv2 timestamps travel (restJson1 `epoch-seconds`).
pub fn now_epoch_seconds() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64().floor())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let token = dkim_token();
        assert_eq!(token.len(), 32);
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        );
        assert_ne!(dkim_token(), token);
        assert_eq!(case_id().len(), 10);
        let id = request_id();
        assert_eq!(id.len(), 36);
        assert_eq!(id.matches('-').count(), 4);
    }
}
