//! The classroom in the tutor. The lecturer's tutor tells the lecture
//! where it is after every change; a follower's tutor moves with the
//! lecture while it is following, stops following as soon as the learner
//! moves on their own (exploring), and follows again on `f`. What the
//! screen shows of it (the join command, how many follow, the hall's
//! answers; following or exploring) is plain data in [`Classroom`]; the
//! sockets are the runtime's, in [`Job`].

use std::sync::Arc;

use super::app::{App, Screen};
use crate::classroom::follower::{Following, SharedLesson};
use crate::classroom::lecture::{Lecture, Tally};
use crate::classroom::protocol::FromLecturer;
use crate::lesson::{Action as StepAction, Lesson, SourceFile};

/// What the screen shows of the classroom.
#[derive(Debug, Clone, PartialEq)]
pub enum Classroom {
    Lecturer {
        /// The command students type to follow.
        join: String,
        followers: usize,
        /// The hall's answers to the quiz on screen.
        tally: Option<Tally>,
    },
    Follower {
        host: String,
        following: bool,
        /// Where the lecturer is: step (1-based) and position, in the
        /// lesson they showed last.
        lecturer: Option<(usize, usize)>,
        /// The name the shared lesson was opened under: the lesson the
        /// lecturer's moves apply to.
        lesson: String,
        /// Why the lecture is over, once it is.
        ended: Option<String>,
    },
}

/// A quiz answer the follower gave, for the runtime to send.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Given {
    pub step: usize,
    pub choice: Option<usize>,
    pub number: Option<f64>,
}

/// A follower's answer to the quiz of `step` (1-based), for the lecture.
pub fn give(app: &mut App, step: usize, choice: Option<usize>, number: Option<f64>) {
    if matches!(app.classroom, Some(Classroom::Follower { .. })) {
        app.answers_out.push(Given {
            step,
            choice,
            number,
        });
    }
}

/// `f`: follow the lecturer again, at once where they are.
pub fn follow_again(app: &mut App) -> bool {
    let Some(Classroom::Follower {
        following, ended, ..
    }) = &mut app.classroom
    else {
        app.info("f follows a lecture: `nntutor follow HOST:PORT --code CODE`.");
        return true;
    };
    if let Some(why) = ended {
        let text = format!("There is no lecture to follow: {why}.");
        app.info(text);
        return true;
    }
    *following = true;
    app.info("Following the lecturer again.");
    move_with_lecturer(app);
    true
}

/// Where the learner is: what a move of their own changes.
pub fn position(app: &App) -> Position {
    let at = app
        .open
        .as_ref()
        .map(|o| (o.step, o.sub, Arc::as_ptr(&o.lesson) as usize));
    (app.screen, at)
}

/// The screen, and the step, position and lesson (told apart by address).
pub type Position = (Screen, Option<(usize, usize, usize)>);

/// After a key: a follower who moved on their own is exploring.
pub fn after_key(app: &mut App, before: Position) {
    let moved = position(app) != before;
    if let Some(Classroom::Follower { following, .. }) = &mut app.classroom
        && *following
        && moved
    {
        // The footer says so, with the key that follows again.
        *following = false;
    }
}

/// Takes the learner to the lecturer's position, if the lecture's lesson
/// is the one open.
fn move_with_lecturer(app: &mut App) {
    let Some(Classroom::Follower {
        lecturer: Some((step, sub)),
        lesson,
        following: true,
        ..
    }) = &app.classroom
    else {
        return;
    };
    let (step, sub, lesson) = (*step, *sub, lesson.clone());
    let Some(open) = app.open.as_mut().filter(|o| o.lesson.source.name == lesson) else {
        return;
    };
    let n = open.step_count();
    if n == 0 {
        return;
    }
    let to = step.clamp(1, n) - 1;
    let to_sub = sub.min(open.walk_of(to).positions().saturating_sub(1));
    if (open.step, open.sub, app.screen) == (to, to_sub, Screen::Lesson) {
        return;
    }
    (open.step, open.sub) = (to, to_sub);
    open.scroll = 0;
    open.choice = 0;
    app.screen = Screen::Lesson;
    app.record_position();
}

/// Starts sharing the lecture on `share` (address, code), if asked: the
/// job, with the join command on the screen; or why it cannot.
pub fn share(app: &mut App, share: Option<&(String, String)>) -> Result<Option<Job>, String> {
    let Some((addr, code)) = share else {
        return Ok(None);
    };
    let lecture = Lecture::start(addr, code).map_err(|e| format!("cannot share on {addr}: {e}"))?;
    let join = format!(
        "nntutor follow {} --code {}",
        join_host(lecture.addr()),
        lecture.code()
    );
    app.classroom = Some(Classroom::Lecturer {
        join,
        followers: 0,
        tally: None,
    });
    Ok(Some(Job::Lecturer {
        lecture,
        told: None,
    }))
}

/// The sockets: the lecture shared, or the lecture followed.
pub enum Job {
    Lecturer {
        lecture: Lecture,
        /// What was last told: the lesson, and the position in it.
        told: Option<(Arc<Lesson>, usize, usize)>,
    },
    Follower {
        following: Following,
        addr: String,
        /// The lecturer's new lesson, while the learner explores: it opens
        /// when they follow again, not under their hands.
        waiting: Option<SourceFile>,
    },
}

impl Job {
    /// Brings the lecture and the screen in line: whether to redraw, and a
    /// lesson the lecturer showed, to open.
    pub fn sync(&mut self, app: &mut App) -> (bool, Option<SourceFile>) {
        match self {
            Job::Lecturer { lecture, told } => (tell(lecture, told, app), None),
            Job::Follower {
                following,
                addr,
                waiting,
            } => follow(following, addr, waiting, app),
        }
    }
}

/// The lecturer's side: tell the lecture of a new lesson or position, and
/// take in the followers and the hall's answers.
fn tell(lecture: &Lecture, told: &mut Option<(Arc<Lesson>, usize, usize)>, app: &mut App) -> bool {
    let mut warning = None;
    if let Some(open) = app.open.as_ref().filter(|_| app.screen == Screen::Lesson) {
        let same_lesson = told
            .as_ref()
            .is_some_and(|t| Arc::ptr_eq(&t.0, &open.lesson));
        if !same_lesson {
            let source = &open.lesson.source;
            let files = match crate::classroom::data::files_of(source) {
                Ok(files) => files,
                Err(why) => {
                    warning = Some(format!(
                        "The followers get the lesson without its data: {why}"
                    ));
                    Vec::new()
                }
            };
            lecture.show_lesson(&source.name, &source.text, files);
        }
        let here = (open.step, open.sub);
        if !same_lesson || told.as_ref().is_some_and(|t| (t.1, t.2) != here) {
            let steps = &open.lesson.steps;
            let step = &steps[open.step];
            let next = steps.get(open.step + 1).map(|s| s.title.as_str());
            lecture.at(
                step.index,
                open.sub,
                &step.title,
                step.notes.as_deref(),
                next,
            );
            *told = Some((open.lesson.clone(), here.0, here.1));
        }
    }
    let quiz = app.open.as_ref().and_then(|o| {
        let step = &o.lesson.steps[o.step];
        matches!(step.action, StepAction::Quiz(_)).then_some(step.index)
    });
    let now = Classroom::Lecturer {
        join: match &app.classroom {
            Some(Classroom::Lecturer { join, .. }) => join.clone(),
            _ => String::new(),
        },
        followers: lecture.followers(),
        tally: quiz.map(|k| lecture.tally(k)),
    };
    let changed = app.classroom.as_ref() != Some(&now);
    app.classroom = Some(now);
    if let Some(w) = &warning {
        app.warn(w);
    }
    changed || warning.is_some()
}

/// The follower's side: the lecturer's messages taken in, and the
/// learner's answers sent.
fn follow(
    following: &Following,
    addr: &str,
    waiting: &mut Option<SourceFile>,
    app: &mut App,
) -> (bool, Option<SourceFile>) {
    for given in std::mem::take(&mut app.answers_out) {
        following.answer(given.step, given.choice, given.number);
    }
    let mut redraw = false;
    let mut open = None;
    while let Ok(message) = following.rx.try_recv() {
        redraw = true;
        let Some(Classroom::Follower {
            lecturer,
            lesson,
            ended,
            following,
            ..
        }) = &mut app.classroom
        else {
            break;
        };
        match message {
            Ok(FromLecturer::Lesson {
                number,
                name,
                text,
                files,
                ..
            }) => {
                let shared = SharedLesson {
                    number,
                    name,
                    text,
                    files,
                };
                *lecturer = None;
                match shared.source(addr) {
                    Ok(source) => {
                        *lesson = source.name.clone();
                        *waiting = Some(source);
                    }
                    Err(why) => {
                        app.warn(format!("The lecturer's new lesson cannot open: {why}"));
                        break;
                    }
                }
            }
            Ok(FromLecturer::At { step, sub, .. }) => {
                *lecturer = Some((step, sub));
                move_with_lecturer(app);
            }
            Ok(FromLecturer::Refused { .. }) => {}
            Err(why) => {
                *ended = Some(why.clone());
                *following = false;
                app.warn(format!("{why}; you can go on exploring."));
                break;
            }
        }
    }
    let now_following = matches!(
        app.classroom,
        Some(Classroom::Follower {
            following: true,
            ..
        })
    );
    if now_following {
        open = waiting.take();
    }
    // A lesson that opened after the lecturer's last move takes it now.
    let before = position(app);
    move_with_lecturer(app);
    (redraw || position(app) != before, open)
}

/// The footer's line about the classroom.
pub fn status(classroom: &Classroom) -> String {
    match classroom {
        Classroom::Lecturer {
            join, followers, ..
        } => {
            let who = if *followers == 1 { "follows" } else { "follow" };
            format!(" {join} · {followers} {who} ")
        }
        Classroom::Follower {
            host,
            ended: Some(why),
            ..
        } => format!(" {host}: {why} "),
        Classroom::Follower {
            host,
            following: true,
            ..
        } => format!(" following {host} "),
        Classroom::Follower { host, lecturer, .. } => match lecturer {
            Some((step, _)) => format!(" exploring · f follows {host} (at step {step}) "),
            None => format!(" exploring · f follows {host} "),
        },
    }
}

/// The address students connect to, for `addr` as bound: an unspecified
/// one (`0.0.0.0`) is this machine's address on the network it would
/// reach others by (found without sending anything).
pub fn join_host(bound: std::net::SocketAddr) -> String {
    if !bound.ip().is_unspecified() {
        return bound.to_string();
    }
    let outward = std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| s.connect("192.0.2.1:9").map(|()| s))
        .and_then(|s| s.local_addr());
    match outward {
        Ok(a) if !a.ip().is_unspecified() => format!("{}:{}", a.ip(), bound.port()),
        _ => format!("127.0.0.1:{}", bound.port()),
    }
}
