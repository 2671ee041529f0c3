//! Frame times, measured inside the app: how long each frame's UI code took,
//! and the interval from one frame to the next (which includes painting).

use std::time::Instant;

use super::Repaint;

pub struct FrameStats {
    launched: Instant,
    /// When the logic of the frame about to be drawn began.
    logic_start: Option<Instant>,
    /// Milliseconds from launch to the start of the first and second frames:
    /// the window shows once the first frame is painted.
    first_frames_ms: Vec<f64>,
    frame_start: Option<Instant>,
    ui_ms: Vec<f64>,
    interval_ms: Vec<f64>,
}

impl FrameStats {
    pub fn new(launched: Instant) -> Self {
        Self {
            launched,
            logic_start: None,
            first_frames_ms: Vec::new(),
            frame_start: None,
            ui_ms: Vec::new(),
            interval_ms: Vec::new(),
        }
    }

    /// A frame's logic begins; the frame starts here if its ui follows (the
    /// logic also runs alone while the window is hidden).
    pub fn logic_started(&mut self) {
        self.logic_start = Some(Instant::now());
    }

    /// A frame's ui begins: the frame started when its logic did.
    pub fn frame_started(&mut self) {
        let now = self.logic_start.take().unwrap_or_else(Instant::now);
        if self.first_frames_ms.len() < 2 {
            self.first_frames_ms.push(ms(now - self.launched));
        }
        if let Some(previous) = self.frame_start {
            self.interval_ms.push(ms(now - previous));
        }
        self.frame_start = Some(now);
    }

    pub fn frame_finished(&mut self) {
        if let Some(start) = self.frame_start {
            self.ui_ms.push(ms(start.elapsed()));
        }
    }

    /// One line of figures: frames, p50/p95/max of UI time and of frame interval,
    /// and when the first two frames started after launch.
    pub fn report(&self) -> String {
        let [ui50, ui95, uimax] = percentiles(&self.ui_ms);
        let [iv50, iv95, ivmax] = percentiles(&self.interval_ms);
        let first = |i: usize| self.first_frames_ms.get(i).copied().unwrap_or(f64::NAN);
        format!(
            "{:.1} s from launch to the last file read · frames {} · frame interval p50 {iv50:.1} ms, p95 {iv95:.1} ms, max {ivmax:.1} ms · ui p50 {ui50:.1} ms, p95 {ui95:.1} ms, max {uimax:.1} ms · first frame at {:.0} ms, second at {:.0} ms after launch",
            self.launched.elapsed().as_secs_f64(),
            self.ui_ms.len(),
            first(0),
            first(1),
        )
    }
}

/// `--measure-frames`: frame times kept while files are read, printed once
/// they all are, then the window closes.
pub struct Measurement {
    pub frames: FrameStats,
    /// How the window repaints meanwhile; `None` when not measuring.
    repaint: Option<Repaint>,
    reported: bool,
}

impl Measurement {
    pub fn new(launched: Instant, repaint: Option<Repaint>) -> Self {
        Self {
            frames: FrameStats::new(launched),
            repaint,
            reported: false,
        }
    }

    /// After each frame: keep repainting while `reading`, then print the
    /// figures and close.
    pub fn frame_done(&mut self, ctx: &egui::Context, reading: bool) {
        let Some(repaint) = self.repaint else { return };
        if reading {
            if repaint == Repaint::Continuous {
                ctx.request_repaint();
            }
            return;
        }
        if !self.reported {
            self.reported = true;
            println!("{}", self.frames.report());
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
    }
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// p50, p95 and max (nearest rank); NaN when empty.
pub fn percentiles(values: &[f64]) -> [f64; 3] {
    if values.is_empty() {
        return [f64::NAN; 3];
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = |q: f64| sorted[((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1];
    [rank(0.50), rank(0.95), sorted[sorted.len() - 1]]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentiles(&values), [50.0, 95.0, 100.0]);
        assert_eq!(percentiles(&[7.0]), [7.0, 7.0, 7.0]);
        assert!(percentiles(&[])[0].is_nan());
    }
}
