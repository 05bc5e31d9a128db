//! GitHub Actions workflow commands (`::error file=...,line=...::message`), which GitHub shows
//! as annotations on the lines they name.
//!
//! Escaping follows the runner's own rules (actions/toolkit `command.ts`): in the message `%`,
//! CR and LF; in a property value also `:` and `,`, which separate properties.

/// How serious an annotation is.
#[derive(Clone, Copy)]
pub enum Level {
    Error,
    Warning,
    Notice,
}

/// Where an annotation points; `line` and `col` are 1-based, 0 when unknown (then left out, and
/// GitHub shows the annotation on the file, or on the run without a file).
#[derive(Default)]
pub struct Place<'a> {
    pub file: Option<&'a str>,
    pub line: usize,
    pub col: usize,
}

/// One workflow command, without its line end.
pub fn annotation(level: Level, place: &Place<'_>, title: &str, message: &str) -> String {
    let mut properties = Vec::new();
    if let Some(file) = place.file {
        properties.push(format!("file={}", property(file)));
        if place.line > 0 {
            properties.push(format!("line={}", place.line));
            if place.col > 0 {
                properties.push(format!("col={}", place.col));
            }
        }
    }
    if !title.is_empty() {
        properties.push(format!("title={}", property(title)));
    }
    let name = match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Notice => "notice",
    };
    let space = if properties.is_empty() { "" } else { " " };
    format!("::{name}{space}{}::{}", properties.join(","), data(message))
}

fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_in_values_are_escaped_so_the_command_still_parses() {
        let place = Place {
            file: Some("infra/a,b:c.yaml"),
            line: 3,
            col: 7,
        };
        let text = annotation(Level::Error, &place, "x.y", "50% of\nit: bad");
        assert_eq!(
            text,
            "::error file=infra/a%2Cb%3Ac.yaml,line=3,col=7,title=x.y::50%25 of%0Ait: bad"
        );
    }

    #[test]
    fn an_unknown_position_is_left_out() {
        let place = Place {
            file: Some("p.yaml"),
            line: 0,
            col: 0,
        };
        assert_eq!(
            annotation(Level::Warning, &place, "", "m"),
            "::warning file=p.yaml::m"
        );
        assert_eq!(
            annotation(Level::Notice, &Place::default(), "", "m"),
            "::notice::m"
        );
    }
}
