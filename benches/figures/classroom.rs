//! The classroom at scale, on loopback: 300 followers, how soon each sees
//! the lecturer's move, and whether the lecturer's frame (telling the
//! lecture where it is, then drawing) costs more with them than without.

use std::time::{Duration, Instant};

use nntutor::classroom::follower::{Following, connect};
use nntutor::classroom::protocol::FromLecturer;
use nntutor::lesson::catalog::Catalog;
use nntutor::lesson::load;
use nntutor::tui::app::{App, Settings};
use nntutor::tui::classroom::{self, Job};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const FOLLOWERS: usize = 300;
const MOVES: usize = 40;

fn percentile(xs: &mut [Duration], p: f64) -> Duration {
    xs.sort();
    xs[((xs.len() - 1) as f64 * p).round() as usize]
}

/// The lecturer's tutor on softmax, sharing on loopback.
fn lecturer() -> (App, Job) {
    let loaded = load(Catalog::default().find("softmax").expect("softmax"));
    let (lesson, timeline) = (
        loaded.lesson.expect("lesson"),
        loaded.timeline.expect("timeline"),
    );
    let mut app = nntutor::tui::app_for(lesson, timeline, Settings::default());
    let share = ("127.0.0.1:0".to_string(), "BENCH".to_string());
    let job = classroom::share(&mut app, Some(&share))
        .expect("share")
        .expect("a lecture");
    (app, job)
}

/// The port the lecture listens on, from the join command on screen.
fn addr_of(app: &App) -> String {
    match &app.classroom {
        Some(classroom::Classroom::Lecturer { join, .. }) => {
            let addr = join.split_whitespace().nth(2).expect("an address");
            format!("127.0.0.1:{}", addr.rsplit(':').next().expect("a port"))
        }
        _ => panic!("not sharing"),
    }
}

/// One lecturer frame at step `k`: the lecture told (a move when the
/// step changed), then the screen drawn.
fn frame(app: &mut App, job: &mut Job, terminal: &mut Terminal<TestBackend>, k: usize) -> Duration {
    let start = Instant::now();
    if let Some(open) = app.open.as_mut() {
        open.step = k % 10;
    }
    job.sync(app);
    terminal
        .draw(|f| nntutor::tui::view::draw(f, app))
        .expect("draw");
    start.elapsed()
}

/// The median frame that moves (a step every 20 ms, followers taking it
/// in between, as when a lecturer presses keys) and the median frame that
/// does not (drawn again, as a live training is).
fn frames(app: &mut App, job: &mut Job, followers: &[Following]) -> (Duration, Duration) {
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    let (mut moving, mut still) = (Vec::new(), Vec::new());
    for k in 0..100 {
        moving.push(frame(app, job, &mut terminal, k));
        std::thread::sleep(Duration::from_millis(20));
        for f in followers {
            while f.rx.try_recv().is_ok() {}
        }
        still.push(frame(app, job, &mut terminal, k));
    }
    (percentile(&mut moving, 0.5), percentile(&mut still, 0.5))
}

pub fn classroom_figures() {
    let (mut app, mut job) = lecturer();
    let alone = frames(&mut app, &mut job, &[]);
    let addr = addr_of(&app);
    let start = Instant::now();
    let followers: Vec<Following> = (0..FOLLOWERS)
        .map(|_| connect(&addr, "BENCH").expect("follow").1)
        .collect();
    let joined = start.elapsed();
    // Wait until all are counted, then drain what they were sent on joining.
    while app.classroom.as_ref().is_some_and(|c| {
        !matches!(c, classroom::Classroom::Lecturer { followers, .. } if *followers == FOLLOWERS)
    }) {
        job.sync(&mut app);
        std::thread::sleep(Duration::from_millis(5));
    }
    for f in &followers {
        while f.rx.try_recv().is_ok() {}
    }
    let with = frames(&mut app, &mut job, &followers);
    for f in &followers {
        while f.rx.try_recv().is_ok() {}
    }
    // Each move: from the lecturer's key to each follower's copy.
    let mut latencies = Vec::with_capacity(FOLLOWERS * MOVES);
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    for k in 0..MOVES {
        let moved = Instant::now();
        frame(&mut app, &mut job, &mut terminal, k + 1);
        for f in &followers {
            match f.rx.recv_timeout(Duration::from_secs(5)) {
                Ok(Ok(FromLecturer::At { .. })) => latencies.push(moved.elapsed()),
                other => panic!("a follower got {other:?}"),
            }
        }
    }
    let (p50, p99, max) = (
        percentile(&mut latencies, 0.5),
        percentile(&mut latencies, 0.99),
        percentile(&mut latencies, 1.0),
    );
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "classroom, {FOLLOWERS} followers on loopback: joined in {:.0} ms; a step change reaches them in {:.2} ms (median), {:.2} ms (99th percentile), {:.2} ms (slowest) over {MOVES} moves (target: 99th under 200 ms)",
        ms(joined),
        ms(p50),
        ms(p99),
        ms(max)
    );
    println!(
        "classroom, the lecturer's frame at 100×30, median: a step change (told, then drawn) {:.3} ms alone, {:.3} ms with {FOLLOWERS} followers; a frame without a move {:.3} ms alone, {:.3} ms with them",
        ms(alone.0),
        ms(with.0),
        ms(alone.1),
        ms(with.1)
    );
}
