//! What a reader yields: an event, a command line or a text.

use serde_json::Value;

use crate::event::{Event, LogSource, Origin};

/// One thing observed: an event, a command line or the text of a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Observation {
    /// An event of named fields (JSON, Windows event logs).
    Event(Event),
    /// A process's command line.
    CommandLine(CommandLine),
    /// The text of a report (Markdown kept, HTML converted).
    Text {
        /// The text.
        text: String,
        /// Where it was read from.
        source: Origin,
    },
}

impl Observation {
    /// Where it was read from.
    pub fn origin(&self) -> Option<&Origin> {
        match self {
            Observation::Event(event) => event.origin.as_ref(),
            Observation::CommandLine(line) => line.origin.as_ref(),
            Observation::Text { source, .. } => Some(source),
        }
    }

    /// The observation as an event Sigma rules can run on: an event as it
    /// is, a command line through [`CommandLine::to_event`]; `None` for a
    /// text.
    pub fn into_event(self) -> Option<Event> {
        match self {
            Observation::Event(event) => Some(event),
            Observation::CommandLine(line) => Some(line.to_event()),
            Observation::Text { .. } => None,
        }
    }
}

/// A process's command line, with what is known of its process.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandLine {
    /// The command line as run.
    pub command_line: String,
    /// The executable's path, when known.
    pub image: Option<String>,
    /// The parent process's executable, when known.
    pub parent: Option<String>,
    /// The user who ran it, when known.
    pub user: Option<String>,
    /// The host it ran on, when known.
    pub host: Option<String>,
    /// The platform, as Sigma's `product` (`windows`, `linux`, `macos`), when known.
    pub platform: Option<String>,
    /// Where it was read from.
    pub origin: Option<Origin>,
}

impl CommandLine {
    /// A command line with nothing else known.
    pub fn new(command_line: impl Into<String>) -> CommandLine {
        CommandLine {
            command_line: command_line.into(),
            ..CommandLine::default()
        }
    }

    /// The executable: `image` when known, else a guess from the command
    /// line's first token (see [`guess_image`]).
    pub fn image(&self) -> Option<String> {
        self.image
            .clone()
            .or_else(|| guess_image(&self.command_line))
    }

    /// An event with Sigma's `process_creation` field names: `CommandLine`,
    /// `Image` (known or guessed), `ParentImage`, `User`, `Computer` (the
    /// ones known), its log source `process_creation` on its platform, and
    /// its origin.
    pub fn to_event(&self) -> Event {
        let mut event = Event::new();
        event.insert("CommandLine", self.command_line.as_str());
        let fields = [
            ("Image", self.image()),
            ("ParentImage", self.parent.clone()),
            ("User", self.user.clone()),
            ("Computer", self.host.clone()),
        ];
        for (name, value) in fields {
            if let Some(value) = value {
                event.insert(name, Value::String(value));
            }
        }
        event.logsources = vec![LogSource::new(
            self.platform.as_deref(),
            Some("process_creation"),
            None,
        )];
        event.origin.clone_from(&self.origin);
        event
    }
}

/// Extensions that end a Windows executable's path.
const EXECUTABLE: [&str; 6] = [".exe", ".com", ".bat", ".cmd", ".scr", ".ps1"];

/// The executable of a command line, guessed from its first token: a
/// quoted path without its quotes (`"C:\Program Files\a b.exe" /x` gives
/// `C:\Program Files\a b.exe`); an unquoted Windows path with spaces up to
/// the first executable extension followed by a space (`C:\Program
/// Files\App\app.exe -v` gives `C:\Program Files\App\app.exe`); else the
/// text up to the first space. `None` for a blank command line.
pub fn guess_image(command_line: &str) -> Option<String> {
    let line = command_line.trim();
    if let Some(rest) = line.strip_prefix('"') {
        let image = rest.split('"').next().unwrap_or(rest).trim();
        return (!image.is_empty()).then(|| image.to_owned());
    }
    let first = line.split_whitespace().next()?;
    let lower = first.to_ascii_lowercase();
    let has_extension = EXECUTABLE.iter().any(|ext| lower.ends_with(ext));
    let is_drive_path = first
        .as_bytes()
        .get(1..3)
        .is_some_and(|b| b == b":\\" || b == b":/");
    if !has_extension && is_drive_path {
        // `C:\Program Files\App\app.exe -v`: the path goes on past the space.
        let lower = line.to_ascii_lowercase();
        let end = EXECUTABLE
            .iter()
            .filter_map(|ext| {
                lower.match_indices(ext).find_map(|(at, _)| {
                    let end = at + ext.len();
                    let next = lower.as_bytes().get(end);
                    next.is_none_or(u8::is_ascii_whitespace).then_some(end)
                })
            })
            .min();
        if let Some(end) = end {
            if let Some(path) = line.get(..end) {
                if !path.contains('"') {
                    return Some(path.to_owned());
                }
            }
        }
    }
    Some(first.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_guessed_from_the_first_token() {
        let cases = [
            (
                r#""C:\Program Files\App Dir\app.exe" --flag "x y""#,
                Some(r"C:\Program Files\App Dir\app.exe"),
            ),
            (
                r"C:\Program Files\App\app.exe -v",
                Some(r"C:\Program Files\App\app.exe"),
            ),
            (
                r"C:\Windows\System32\cmd.exe /c a.exe",
                Some(r"C:\Windows\System32\cmd.exe"),
            ),
            ("cmd /c whoami", Some("cmd")),
            ("  /usr/bin/curl -s http://x  ", Some("/usr/bin/curl")),
            (r#""unterminated path"#, Some("unterminated path")),
            ("   ", None),
            (r#""""#, None),
        ];
        for (line, image) in cases {
            assert_eq!(guess_image(line).as_deref(), image, "{line}");
        }
    }

    #[test]
    fn command_lines_become_process_creation_events() {
        let line = CommandLine {
            parent: Some(r"C:\Windows\explorer.exe".into()),
            user: Some(r"CORP\alice".into()),
            host: Some("ws1".into()),
            platform: Some("windows".into()),
            ..CommandLine::new(r#""C:\Windows\System32\cmd.exe" /c whoami"#)
        };
        let event = line.to_event();
        let fields: Vec<(&str, String)> = event
            .fields()
            .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_owned()))
            .collect();
        assert_eq!(
            fields,
            [
                (
                    "CommandLine",
                    r#""C:\Windows\System32\cmd.exe" /c whoami"#.to_owned()
                ),
                ("Image", r"C:\Windows\System32\cmd.exe".to_owned()),
                ("ParentImage", r"C:\Windows\explorer.exe".to_owned()),
                ("User", r"CORP\alice".to_owned()),
                ("Computer", "ws1".to_owned()),
            ]
        );
        assert_eq!(
            event.logsources,
            [LogSource::new(
                Some("windows"),
                Some("process_creation"),
                None
            )]
        );
        let known = CommandLine {
            image: Some("/bin/sh".into()),
            ..CommandLine::new("sh -c id")
        };
        assert_eq!(known.to_event().text("Image").as_deref(), Some("/bin/sh"));
    }
}
