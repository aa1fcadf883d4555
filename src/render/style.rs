//! Text styles (anstyle), switched off entirely when color is off. Whether color is on is
//! decided once per stream in `cli` (anstream's rules: `--color`, NO_COLOR, CLICOLOR_FORCE,
//! CLICOLOR, TERM=dumb, a terminal or not).

use anstyle::{AnsiColor, Style as Ansi};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

impl Style {
    pub fn new(color: bool) -> Style {
        Style { color }
    }

    fn paint(self, style: Ansi, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    fn fg(color: AnsiColor) -> Ansi {
        Ansi::new().fg_color(Some(color.into()))
    }

    pub fn green(self, text: &str) -> String {
        self.paint(Self::fg(AnsiColor::Green), text)
    }

    pub fn green_bold(self, text: &str) -> String {
        self.paint(Self::fg(AnsiColor::Green).bold(), text)
    }

    pub fn yellow(self, text: &str) -> String {
        self.paint(Self::fg(AnsiColor::Yellow), text)
    }

    pub fn red(self, text: &str) -> String {
        self.paint(Self::fg(AnsiColor::Red), text)
    }

    pub fn bold(self, text: &str) -> String {
        self.paint(Ansi::new().bold(), text)
    }

    pub fn dim(self, text: &str) -> String {
        self.paint(Ansi::new().dimmed(), text)
    }
}

#[cfg(test)]
mod tests {
    use super::Style;

    #[test]
    fn plain_without_color_and_reset_with_it() {
        assert_eq!(Style::new(false).red("x"), "x");
        assert_eq!(Style::new(true).red("x"), "\u{1b}[31mx\u{1b}[0m");
        let bold = Style::new(true).green_bold("ok");
        assert!(
            bold.starts_with("\u{1b}[") && bold.ends_with("ok\u{1b}[0m"),
            "{bold:?}"
        );
    }
}
