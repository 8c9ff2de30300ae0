//! Lets SQLite's worker thread run a statement before the caller waits for it.
//!
//! sqlx runs every SQLite connection on a thread of its own. A statement is a message to that
//! thread, and its rows come back through a channel. When the caller's thread and the worker
//! share one CPU (a one-CPU machine or container, a pinned process), what happens next is the
//! scheduler's choice:
//!
//! - it switches to the worker as soon as the message is sent, and the rows are there when the
//!   caller looks;
//! - or the caller runs on, finds no rows, parks its runtime in the kernel and is woken by the
//!   worker: more system calls and context switches.
//!
//! Which one happens depends on the scheduler's account of how long each thread ran. Measured
//! on one CPU (a scratch program, SQLite in memory), a get by primary key took 9.7 µs, and
//! 7.4 µs when the caller spent 0.7 µs *more* per get in a busy loop. A scheduler trace of the
//! benchmark showed the caller parked before the worker ran in 31 % of the ORM's gets and 8 % of
//! raw sqlx's. [`HandOver`] makes it the first case: when a statement's first poll finds no
//! rows, it yields the CPU once (`sched_yield`) and polls again. The same get then takes 5.9 µs.
//! Other threads waiting for the CPU may run during the yield, as they would while the caller
//! was parked.
//!
//! When the worker runs on another CPU the yield does not help: the rows are still missing
//! after it. After [`MAX_MISSES`] such statements in a row a thread stops yielding, and tries
//! again every [`RETRY_EVERY`] statements. A multi-CPU program whose worker runs elsewhere pays
//! about one system call per [`RETRY_EVERY`] statements (a retry that happens to be answered
//! starts the count of misses again).

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Hand-overs in a row that found no rows after the yield, before a thread stops yielding.
const MAX_MISSES: u8 = 3;

/// While a thread does not yield, it tries again every this many statements.
const RETRY_EVERY: u8 = 64;

thread_local! {
    /// This thread's hand-over record: misses in a row, and statements since the last try.
    static RECORD: Cell<(u8, u8)> = const { Cell::new((0, 0)) };
}

pin_project_lite::pin_project! {
    /// A statement's future that yields the CPU once if its first poll is pending (see the
    /// module documentation).
    pub(super) struct HandOver<F> {
        #[pin]
        inner: F,
        // Whether the next pending poll yields first.
        yield_once: bool,
    }
}

impl<F: Future> HandOver<F> {
    /// Wraps `inner`; `worker_thread` says whether the backend runs statements on a thread of
    /// its own (only then can a yield let it answer).
    pub(super) fn new(inner: F, worker_thread: bool) -> Self {
        HandOver {
            inner,
            yield_once: worker_thread && RECORD.with(should_yield),
        }
    }
}

/// Whether this thread yields for its next statement, counting a statement it does not.
fn should_yield(record: &Cell<(u8, u8)>) -> bool {
    let (misses, skipped) = record.get();
    if misses < MAX_MISSES {
        return true;
    }
    if skipped + 1 >= RETRY_EVERY {
        record.set((misses, 0));
        return true;
    }
    record.set((misses, skipped + 1));
    false
}

/// Records whether the rows were there after a yield.
fn record_outcome(record: &Cell<(u8, u8)>, answered: bool) {
    let (misses, skipped) = record.get();
    let misses = if answered {
        0
    } else {
        misses.saturating_add(1)
    };
    record.set((misses, skipped));
}

impl<F: Future> Future for HandOver<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let mut this = self.project();
        let polled = this.inner.as_mut().poll(cx);
        if polled.is_ready() || !std::mem::take(this.yield_once) {
            *this.yield_once = false;
            return polled;
        }
        std::thread::yield_now();
        let polled = this.inner.poll(cx);
        RECORD.with(|record| record_outcome(record, polled.is_ready()));
        polled
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::{Wake, Waker};

    /// Pending for its first `pending` polls, then ready with the number of polls.
    struct ReadyAfter {
        pending: usize,
        polls: usize,
    }

    impl Future for ReadyAfter {
        type Output = usize;
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
            self.polls += 1;
            if self.polls > self.pending {
                Poll::Ready(self.polls)
            } else {
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }
    }

    struct CountWakes(AtomicUsize);

    impl Wake for CountWakes {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn poll_once<F: Future>(f: Pin<&mut F>, wakes: &Arc<CountWakes>) -> Poll<F::Output> {
        let waker = Waker::from(Arc::clone(wakes));
        f.poll(&mut Context::from_waker(&waker))
    }

    /// A hand-over of a statement answered after `pending` polls, on a thread with a fresh
    /// record, and the waker count it is polled with.
    fn statement(
        pending: usize,
        worker_thread: bool,
    ) -> (Pin<Box<HandOver<ReadyAfter>>>, Arc<CountWakes>) {
        RECORD.with(|r| r.set((0, 0)));
        let inner = ReadyAfter { pending, polls: 0 };
        let wakes = Arc::new(CountWakes(AtomicUsize::new(0)));
        (Box::pin(HandOver::new(inner, worker_thread)), wakes)
    }

    #[test]
    fn a_statement_answered_during_the_yield_is_ready_on_the_first_poll() {
        let (mut f, wakes) = statement(1, true);
        assert_eq!(poll_once(f.as_mut(), &wakes), Poll::Ready(2));
        assert_eq!(RECORD.with(Cell::get), (0, 0));
    }

    #[test]
    fn without_a_worker_thread_nothing_is_polled_twice() {
        let (mut f, wakes) = statement(1, false);
        assert_eq!(poll_once(f.as_mut(), &wakes), Poll::Pending);
        assert_eq!(poll_once(f.as_mut(), &wakes), Poll::Ready(2));
    }

    #[test]
    fn a_statement_still_pending_after_the_yield_waits_as_usual_and_yields_once_only() {
        let (mut f, wakes) = statement(3, true);
        // First poll: pending, yield, pending again.
        assert_eq!(poll_once(f.as_mut(), &wakes), Poll::Pending);
        // Later polls are passed through one each.
        assert_eq!(poll_once(f.as_mut(), &wakes), Poll::Pending);
        assert_eq!(poll_once(f.as_mut(), &wakes), Poll::Ready(4));
        // The waker the inner future registered was passed on each time.
        assert_eq!(wakes.0.load(Ordering::SeqCst), 3);
        assert_eq!(RECORD.with(Cell::get), (1, 0));
    }

    #[test]
    fn a_thread_whose_yields_miss_stops_yielding_and_retries_every_64_statements() {
        let record = Cell::new((0, 0));
        for _ in 0..MAX_MISSES {
            assert!(should_yield(&record));
            record_outcome(&record, false);
        }
        let yielded: Vec<bool> = (0..2 * usize::from(RETRY_EVERY))
            .map(|_| should_yield(&record))
            .collect();
        let tries: Vec<usize> = (0..yielded.len()).filter(|&i| yielded[i]).collect();
        assert_eq!(tries, [63, 127]);
        // One try that is answered makes the thread yield every time again.
        record_outcome(&record, true);
        assert!((0..10).all(|_| should_yield(&record)));
    }
}
