//! The classroom's messages: newline-delimited JSON, one object a line,
//! each with the protocol's version `v` and its `type` (docs/classroom.md).
//! Lines are bounded on both sides: a follower's at 4 KiB, the lecturer's
//! by the lesson-file limit (the lesson travels in one line).

use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};

/// The protocol's version; a peer speaking another is refused.
pub const VERSION: u32 = 1;

/// The longest line a follower may send (a hello, an answer).
pub const MAX_FOLLOWER_LINE: usize = 4 * 1024;

/// The longest line the lecturer sends: a lesson, its text escaped, and
/// its data files in base64.
pub const MAX_LECTURER_LINE: usize =
    2 * crate::lesson::MAX_FILE_BYTES + 4 * (super::data::MAX_SHARED_DATA as usize) / 3 + 64 * 1024;

/// What a follower sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum FromFollower {
    /// The first line: the code the lecturer's screen shows.
    Hello { v: u32, code: String },
    /// An answer to the quiz of `step` (1-based): a choice (0-based) or a
    /// number. A later answer to the same quiz replaces it.
    Answer {
        v: u32,
        step: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        choice: Option<usize>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        number: Option<f64>,
    },
}

/// What the lecturer sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum FromLecturer {
    /// The code was wrong, or the version another: the connection closes.
    Refused { v: u32, reason: String },
    /// The lesson shown: its file's name and text. A follower loads it as
    /// any untrusted file.
    Lesson {
        v: u32,
        /// Counts the lessons shown since the lecture started.
        number: u64,
        name: String,
        text: String,
        /// The data files its givens read (none for a built-in lesson).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        files: Vec<super::data::SharedFile>,
    },
    /// Where the lecturer is in lesson `lesson`: step (1-based), position
    /// inside it (0-based), the step's title, its speaker notes and the
    /// next step's title.
    At {
        v: u32,
        lesson: u64,
        step: usize,
        sub: usize,
        title: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        notes: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        next: Option<String>,
    },
}

/// One message as a line.
pub fn line<T: Serialize>(message: &T) -> String {
    // Serializing plain data cannot fail.
    let mut s = serde_json::to_string(message).unwrap_or_default();
    s.push('\n');
    s
}

/// Writes one message.
pub fn send<T: Serialize>(out: &mut impl Write, message: &T) -> std::io::Result<()> {
    out.write_all(line(message).as_bytes())?;
    out.flush()
}

/// Why a line could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The peer closed the connection.
    Closed,
    /// Longer than allowed: the peer is not speaking the protocol.
    TooLong(usize),
    /// Not UTF-8, not JSON, or not a message of this protocol.
    Garbage(String),
    Io(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Closed => write!(f, "the connection was closed"),
            ReadError::TooLong(max) => write!(f, "a message longer than {max} bytes"),
            ReadError::Garbage(why) => write!(f, "not a classroom message ({why})"),
            ReadError::Io(e) if is_timeout(e) => write!(f, "no answer in time"),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

pub fn is_timeout(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    )
}

/// Reads one line of at most `max` bytes (without its newline) and parses
/// it as a `T`; a longer line is refused before it is all read.
pub fn receive<T: for<'de> Deserialize<'de>>(
    input: &mut impl BufRead,
    max: usize,
) -> Result<T, ReadError> {
    let mut bytes = Vec::new();
    loop {
        let buf = input.fill_buf().map_err(ReadError::Io)?;
        if buf.is_empty() {
            return Err(ReadError::Closed);
        }
        let (take, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(at) => (at + 1, true),
            None => (buf.len(), false),
        };
        if bytes.len() + take > max + 1 {
            return Err(ReadError::TooLong(max));
        }
        bytes.extend_from_slice(&buf[..take]);
        input.consume(take);
        if done {
            bytes.pop();
            break;
        }
    }
    let text = std::str::from_utf8(&bytes).map_err(|e| ReadError::Garbage(e.to_string()))?;
    let message: T = serde_json::from_str(text).map_err(|e| ReadError::Garbage(e.to_string()))?;
    Ok(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_json_object_a_line_with_a_version() {
        let hello = FromFollower::Hello {
            v: VERSION,
            code: "K7QF".into(),
        };
        assert_eq!(
            line(&hello),
            "{\"type\":\"hello\",\"v\":1,\"code\":\"K7QF\"}\n"
        );
        let mut input = std::io::Cursor::new(line(&hello).into_bytes());
        let back: FromFollower = receive(&mut input, MAX_FOLLOWER_LINE).unwrap();
        assert_eq!(back, hello);
    }

    #[test]
    fn a_line_too_long_or_not_a_message_is_refused() {
        let long = format!("{}\n", "x".repeat(100));
        let got = receive::<FromFollower>(&mut std::io::Cursor::new(long), 50);
        assert!(matches!(got, Err(ReadError::TooLong(50))), "{got:?}");
        let garbage = "{\"type\":\"steer\",\"v\":1}\n";
        let got = receive::<FromFollower>(&mut std::io::Cursor::new(garbage), 50);
        assert!(matches!(got, Err(ReadError::Garbage(_))), "{got:?}");
        let got = receive::<FromFollower>(&mut std::io::Cursor::new(&b"\xff\xfe\n"[..]), 50);
        assert!(matches!(got, Err(ReadError::Garbage(_))), "{got:?}");
        let got = receive::<FromFollower>(&mut std::io::Cursor::new(""), 50);
        assert!(matches!(got, Err(ReadError::Closed)), "{got:?}");
    }
}
