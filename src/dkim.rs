//! BYODKIM keys: read the private key from where the spec says, and derive the public key
//! for the selector's TXT record. The private key never leaves this process except to SES.

use std::path::Path;

use base64::Engine as _;

/// Reads the private key named by a desired identity's `private_key_from` (`file:PATH`,
/// relative to the spec's directory, or `env:NAME`).
pub fn read_private_key(base_dir: &Path, source: &str) -> Result<String, String> {
    if let Some(file) = source.strip_prefix("file:") {
        crate::source::read_text(&base_dir.join(file))
            .map(|file| file.text)
            .map_err(|e| e.to_string())
    } else if let Some(var) = source.strip_prefix("env:") {
        std::env::var(var).map_err(|_| format!("environment variable {var} is not set"))
    } else {
        Err(format!("unknown key source `{source}`"))
    }
}

/// The `p=` value of the DKIM TXT record: the base64 SubjectPublicKeyInfo of an RSA private
/// key in PEM (`PRIVATE KEY` or `RSA PRIVATE KEY`), as `openssl rsa -pubout` prints it.
pub fn public_key(private_key_pem: &str) -> Result<String, String> {
    let key = rcgen::KeyPair::from_pem_and_sign_algo(private_key_pem, &rcgen::PKCS_RSA_SHA256)
        .map_err(
            |_| "the key is not an RSA private key in PEM form (PRIVATE KEY or RSA PRIVATE KEY)",
        )?;
    let spki = rcgen::PublicKeyData::subject_public_key_info(&key);
    Ok(base64::engine::general_purpose::STANDARD.encode(spki))
}

/// A TXT value in DNS zone-file form: one or more quoted strings of at most 255 characters
/// (a longer character-string is not valid DNS, and a 2048-bit DKIM key is longer).
pub fn txt_value(text: &str) -> String {
    text.as_bytes()
        .chunks(255)
        .map(|chunk| format!("\"{}\"", String::from_utf8_lossy(chunk)))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRIVATE: &str = include_str!("../tests/fixtures/dkim/private.pem");
    const PUBLIC: &str = include_str!("../tests/fixtures/dkim/public.pem");

    #[test]
    fn the_public_key_is_what_openssl_derives() {
        let expected: String = PUBLIC
            .lines()
            .filter(|line| !line.starts_with("-----"))
            .collect();
        assert_eq!(public_key(PRIVATE).unwrap(), expected);
    }

    #[test]
    fn not_a_key_is_an_error_without_the_input() {
        let err = public_key("-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n")
            .unwrap_err();
        assert!(err.contains("RSA private key"), "{err}");
        assert!(!err.contains("c2VjcmV0"), "{err}");
    }

    #[test]
    fn long_txt_values_are_split_into_255_character_strings() {
        let value = format!("v=DKIM1; k=rsa; p={}", "A".repeat(400));
        let split = txt_value(&value);
        let parts: Vec<&str> = split.split("\" \"").collect();
        assert_eq!(parts.len(), 2, "{split}");
        assert_eq!(split.len(), value.len() + 5);
        assert_eq!(txt_value("short"), "\"short\"");
    }
}
