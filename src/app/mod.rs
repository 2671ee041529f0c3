//! The desktop app (eframe/egui): open files, watch them being read, check the
//! lines over the page, correct and copy them, export.
//!
//! A frame has two steps. [`eframe::App::logic`] takes in what arrived (worker
//! messages, dialog answers) and brings the app's state up to date (theme, page
//! texture); then [`eframe::App::ui`] reads the keys, draws the panels (which
//! only draw and push [`actions::Action`]s) and applies those actions at its end.
//! [`OcrDeskApp::show`] runs both, for hosts that hand out only a `Ui`.
//! Reading happens on the [`worker::Worker`] thread; the clipboard and dialogs
//! go through [`desktop::Desktop`], so tests can drive the whole app headless
//! with `egui_kittest`.

pub mod commands;
pub mod desktop;
pub mod fonts;
pub mod frame_stats;
pub mod palette;
pub mod results;
pub mod session;
pub mod viewer;
pub mod worker;

mod actions;
mod dialogs;
mod panels;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use egui::Ui;

use crate::ocr::EngineOptions;
use actions::Action;
pub use commands::Command;
use desktop::Desktop;
use dialogs::Dialogs;
use frame_stats::Measurement;
pub use panels::side::{SideState, SideTab};
use panels::{Showing, files, menu, page, side, status};
use session::{FileEntry, PageAt, Session, Settings, ShownPage};
use viewer::Viewer;
use worker::{Worker, WorkerEvent};

/// Key of the settings in eframe storage.
pub const SETTINGS_KEY: &str = "ocrdesk-settings";

/// The models' state, for the status bar.
#[derive(Clone, Debug, PartialEq)]
pub enum EngineState {
    Loading,
    Ready { load_ms: f64 },
    Failed(String),
}

/// How the app was started.
pub struct Launch {
    /// Files to read straight away.
    pub files: Vec<PathBuf>,
    /// When the process started, for the launch-time figure.
    pub started: Instant,
    /// Measure frame times while the files are read, print them, then close.
    pub measure_frames: Option<Repaint>,
}

/// How the window repaints while frame times are measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repaint {
    /// Every frame at once, as fast as the machine allows: the worst case for reading speed.
    Continuous,
    /// Only when something changes, as in normal use.
    OnDemand,
}

impl Default for Launch {
    fn default() -> Self {
        Self {
            files: Vec::new(),
            started: Instant::now(),
            measure_frames: None,
        }
    }
}

/// A message in the status bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub text: String,
    pub is_error: bool,
}

pub struct OcrDeskApp {
    pub settings: Settings,
    pub session: Session,
    pub engine: EngineState,
    /// The file shown (index into the session's files), its page, the selected line.
    pub current: Option<usize>,
    pub page: usize,
    pub selected_line: Option<usize>,
    /// A box marked on the page (a seal chosen in the Fields tab).
    pub highlight: Option<crate::geometry::Quad>,
    /// Lines, fields or tables beside the page, and the table shown.
    pub side: SideState,
    pub viewer: Viewer,
    pub notice: Option<Notice>,
    /// Set when no CJK font was found.
    pub font_warning: Option<String>,
    worker: Worker,
    desktop: Box<dyn Desktop>,
    dialogs: Dialogs,
    /// The page whose texture is uploaded.
    textured: Option<PageAt>,
    applied_theme: Option<bool>,
    measure: Measurement,
}

impl OcrDeskApp {
    /// The app with `settings`, the desktop it talks to, and the files to read first.
    /// The models start loading in the background at once.
    pub fn new(settings: Settings, desktop: Box<dyn Desktop>, launch: Launch) -> Self {
        let worker = Worker::start(EngineOptions::default());
        let mut app = Self {
            settings,
            session: Session::default(),
            engine: EngineState::Loading,
            current: None,
            page: 0,
            selected_line: None,
            highlight: None,
            side: SideState::default(),
            viewer: Viewer::default(),
            notice: None,
            font_warning: None,
            worker,
            desktop,
            dialogs: Dialogs::default(),
            textured: None,
            applied_theme: None,
            measure: Measurement::new(launch.started, launch.measure_frames),
        };
        app.add_paths(&launch.files);
        app
    }

    /// The app as eframe creates it: settings from storage, the system desktop,
    /// the CJK font from the system.
    pub fn from_creation_context(cc: &eframe::CreationContext<'_>, launch: Launch) -> Self {
        let settings = cc
            .storage
            .and_then(|s| eframe::get_value::<Settings>(s, SETTINGS_KEY))
            .unwrap_or_default();
        let mut app = Self::new(settings, Box::new(desktop::SystemDesktop::default()), launch);
        app.font_warning = fonts::install_cjk_font(&cc.egui_ctx).err();
        app
    }

    /// One whole frame, logic then ui, for hosts that hand out only a `Ui`
    /// (`egui_kittest`); eframe calls the two steps itself.
    pub fn show(&mut self, ui: &mut Ui) {
        self.update(ui.ctx());
        self.frame_ui(ui);
    }

    /// The frame's first step, and the only one that also runs while the window
    /// is hidden: take in what the worker and the dialogs sent, apply the theme,
    /// keep the page index in range and the page's texture uploaded. Reads no
    /// input (while hidden, the input is the last frame's) and draws nothing.
    fn update(&mut self, ctx: &egui::Context) {
        self.measure.frames.logic_started();
        self.worker.set_repaint_context(ctx);
        if self.applied_theme != Some(self.settings.dark_theme) {
            ctx.set_theme(if self.settings.dark_theme {
                egui::Theme::Dark
            } else {
                egui::Theme::Light
            });
            self.applied_theme = Some(self.settings.dark_theme);
        }
        for event in self.worker.poll() {
            match &event {
                WorkerEvent::EngineReady { load_ms } => self.engine = EngineState::Ready { load_ms: *load_ms },
                WorkerEvent::EngineFailed(reason) => self.engine = EngineState::Failed(reason.clone()),
                _ => {}
            }
            self.session.apply(event);
        }
        self.receive_answers();
        if let Some(pages) = self.current_file().map(|f| f.pages.len()) {
            self.page = self.page.min(pages.saturating_sub(1));
        }
        self.upload_texture(ctx);
        self.keep_polling(ctx);
    }

    /// The frame's second step: keys and dropped files, the panels, then the
    /// actions they all asked for.
    fn frame_ui(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.measure.frames.frame_started();
        let mut actions = frame_input(&ctx);
        self.draw(ui, &mut actions);
        self.apply(actions);
        self.keep_polling(&ctx);
        self.measure.frames.frame_finished();
        let reading = self.session.is_busy() || self.session.files.is_empty() || self.engine == EngineState::Loading;
        self.measure.frame_done(&ctx, reading);
    }

    /// Draws every panel from the state as it is; changes nothing but the
    /// view's zoom and pan, and pushes what was asked for onto `actions`.
    fn draw(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        // Looked up once, through the session alone, so that the view can still
        // be borrowed to draw the page.
        let at = self.current_at();
        let session = &self.session;
        let showing = Showing {
            file: self.current.and_then(|i| Some((i, session.files.get(i)?))),
            page: at.and_then(|at| Some((at, session.page(at)?))),
            page_index: self.page,
            selected_line: self.selected_line,
            review_below: self.settings.review_below,
            overlay: crate::app::viewer::Overlay {
                regions: self.settings.show_regions,
                highlight: self.highlight,
            },
        };
        egui::Panel::top("menu").show(ui, |ui| menu::menu_bar(ui, &self.settings, actions));
        egui::Panel::bottom("status").show(ui, |ui| {
            status::status_bar(
                ui,
                &self.engine,
                self.session.stats(),
                self.font_warning.as_deref(),
                self.notice.as_ref(),
            );
        });
        egui::Panel::left("files")
            .resizable(true)
            .default_size(230.0)
            .show(ui, |ui| {
                files::file_list(ui, &self.session.files, self.current, actions)
            });
        egui::Panel::right("lines")
            .resizable(true)
            .default_size(380.0)
            .min_size(300.0)
            .show(ui, |ui| side::side_panel(ui, &showing, &self.side, actions));
        egui::CentralPanel::default().show(ui, |ui| page::page_panel(ui, &showing, &mut self.viewer, actions));
        files::drop_overlay(ui.ctx());
    }

    /// One page texture at a time: upload the current page's, free the one before.
    fn upload_texture(&mut self, ctx: &egui::Context) {
        let at = self.current_at().filter(|at| self.session.page(*at).is_some());
        if self.textured != at {
            if let Some(old) = self.textured.and_then(|old| self.session.page_mut(old)) {
                old.texture = None;
            }
            self.textured = None;
        }
        let Some(at) = at else { return };
        let Some(shown) = self.session.page_mut(at) else { return };
        if shown.texture.is_some() {
            return;
        }
        let Some(image) = &mut shown.image else { return };
        // The worker scales pages to the GPU's limit once it knows it; a page
        // read before the first frame may still be too large.
        let max_side = ctx.input(|i| i.max_texture_side);
        if image.size[0].max(image.size[1]) > max_side {
            let rgb = image::RgbImage::from_fn(image.size[0] as u32, image.size[1] as u32, |x, y| {
                let [r, g, b, _] = image.pixels[y as usize * image.size[0] + x as usize].to_array();
                image::Rgb([r, g, b])
            });
            *image = std::sync::Arc::new(worker::display_image(&rgb, max_side as u32));
        }
        let name = format!("page-{}-{}", at.file, at.page);
        shown.texture = Some(ctx.load_texture(name, image.clone(), egui::TextureOptions::LINEAR));
        self.textured = Some(at);
    }

    /// While a dialog or an export is awaited, look again every 100 ms.
    fn keep_polling(&self, ctx: &egui::Context) {
        if self.dialogs.waiting() {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
    }

    fn current_file(&self) -> Option<&FileEntry> {
        self.current.and_then(|i| self.session.files.get(i))
    }

    /// Where the page shown is (it may not be read yet).
    fn current_at(&self) -> Option<PageAt> {
        Some(PageAt {
            file: self.current?,
            page: self.page,
        })
    }

    /// The page shown, once it is read.
    pub fn current_page(&self) -> Option<&ShownPage> {
        self.session.page(self.current_at()?)
    }
}

/// What the keyboard and the window's edges asked for this frame: shortcuts
/// (taken out of the input before any widget sees them) and dropped files.
fn frame_input(ctx: &egui::Context) -> Vec<Action> {
    let mut actions = Vec::new();
    let dropped: Vec<PathBuf> = ctx.input(|i| {
        i.raw
            .dropped_files
            .iter()
            .map(|f| f.path().to_owned())
            .filter(|p| !p.as_os_str().is_empty())
            .collect()
    });
    if !dropped.is_empty() {
        actions.push(Action::AddPaths(dropped));
    }
    let text_has_focus = ctx.egui_wants_keyboard_input();
    ctx.input_mut(|input| {
        for command in Command::WITH_SHORTCUTS {
            if command.pressed(input, text_has_focus) {
                actions.push(Action::Command(command));
            }
        }
    });
    actions
}

impl eframe::App for OcrDeskApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.update(ctx);
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.frame_ui(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
    }
}

/// Opens the window and runs until it is closed.
pub fn run(launch: Launch) -> Result<(), eframe::Error> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("OCR Desk")
            .with_app_id("ocrdesk")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([640.0, 400.0])
            .with_drag_and_drop(true),
        ..eframe::NativeOptions::default()
    };
    eframe::run_native(
        "OCR Desk",
        options,
        Box::new(move |cc| Ok(Box::new(OcrDeskApp::from_creation_context(cc, launch)))),
    )
}
