//! Package versions as composer writes them (`v10.48.4`, `6.4.x-dev`), compared numerically.

use std::fmt;

/// `major.minor.patch`; missing parts count as 0, so `11.x-dev` compares as 11.0.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Version {
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Version {
            major,
            minor,
            patch,
        }
    }

    /// Parses composer's `version` field. Branch aliases (`dev-main`) have no number: `None`.
    pub fn parse(text: &str) -> Option<Version> {
        let text = text.trim();
        let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
        let mut parts = [0u32; 3];
        let mut seen = 0;
        for (i, part) in text.split(['.', '-', '+']).take(3).enumerate() {
            match part.parse::<u32>() {
                Ok(n) => {
                    parts[i] = n;
                    seen += 1;
                }
                Err(_) => break,
            }
        }
        (seen > 0).then(|| Version::new(parts[0], parts[1], parts[2]))
    }

    pub fn at_least(self, major: u32, minor: u32, patch: u32) -> bool {
        self >= Version::new(major, minor, patch)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_composer_versions() {
        assert_eq!(Version::parse("v10.48.4"), Some(Version::new(10, 48, 4)));
        assert_eq!(Version::parse("6.4.12"), Some(Version::new(6, 4, 12)));
        assert_eq!(Version::parse("11.x-dev"), Some(Version::new(11, 0, 0)));
        assert_eq!(Version::parse("5.4.0-RC1"), Some(Version::new(5, 4, 0)));
        assert_eq!(Version::parse("dev-main"), None);
        assert!(Version::new(9, 0, 0).at_least(9, 0, 0));
        assert!(!Version::new(8, 83, 27).at_least(9, 0, 0));
        assert!(Version::new(11, 35, 0) > Version::new(11, 34, 9));
    }
}
