//! The desktop app (eframe/egui): open files, watch them being read, check the
//! lines over the page, correct and copy them, export.
//!
//! [`OcrDeskApp::show`] draws one frame; widgets emit [`Command`]s, applied at
//! the end of the frame. Reading happens on the [`worker::Worker`] thread; the
//! clipboard and dialogs go through [`desktop::Desktop`], so tests can drive
//! the whole app headless with `egui_kittest`.

pub mod commands;
pub mod desktop;
pub mod fonts;
pub mod frame_stats;
pub mod results;
pub mod session;
pub mod viewer;
pub mod worker;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui::{Align, Color32, Id, Layout, RichText, TextEdit, Ui};

use crate::document::OpenOptions;
use crate::export::{self, ExportFormat};
use crate::ocr::EngineOptions;
pub use commands::Command;
use desktop::{Answer, Desktop, OPENABLE_EXTENSIONS};
use frame_stats::FrameStats;
use session::{FileState, Session, Settings, next_to_review};
use viewer::{Viewer, Zoom};
use worker::{Job, Worker, WorkerEvent};

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

/// What the panel beside the page shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SideTab {
    #[default]
    Lines,
    Fields,
    Tables,
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
    /// Lines, fields or tables beside the page, and the table shown.
    pub side_tab: SideTab,
    pub selected_table: usize,
    pub viewer: Viewer,
    pub notice: Option<Notice>,
    /// Set when no CJK font was found.
    pub font_warning: Option<String>,
    worker: Worker,
    desktop: Box<dyn Desktop>,
    scroll_to_selected: bool,
    pending_open: Option<Answer<Vec<PathBuf>>>,
    pending_save: Option<Answer<Option<PathBuf>>>,
    pending_export: Option<Answer<Result<String, String>>>,
    /// The page whose texture is uploaded: (file index, page index).
    textured: Option<(usize, usize)>,
    commands: Vec<Command>,
    applied_theme: Option<bool>,
    frames: FrameStats,
    measure_frames: Option<Repaint>,
    frames_reported: bool,
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
            side_tab: SideTab::default(),
            selected_table: 0,
            viewer: Viewer::default(),
            notice: None,
            font_warning: None,
            worker,
            desktop,
            scroll_to_selected: false,
            pending_open: None,
            pending_save: None,
            pending_export: None,
            textured: None,
            commands: Vec::new(),
            applied_theme: None,
            frames: FrameStats::new(launch.started),
            measure_frames: launch.measure_frames,
            frames_reported: false,
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

    /// Queues files (folders are searched for images and PDFs).
    pub fn add_paths(&mut self, paths: &[PathBuf]) {
        let files = session::expand_paths(paths, &OPENABLE_EXTENSIONS);
        if files.is_empty() && !paths.is_empty() {
            self.notify("No images or PDFs there", true);
        }
        for path in files {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                self.settings.last_folder = Some(parent.to_owned());
            }
            if let Some(file) = self.session.add(&path) {
                self.submit(file, path, None);
            }
        }
        if self.current.is_none() && !self.session.files.is_empty() {
            self.current = Some(0);
        }
    }

    fn submit(&self, file: worker::FileId, path: PathBuf, password: Option<String>) {
        self.worker.submit(Job {
            file,
            path,
            open: OpenOptions {
                force_ocr: self.settings.force_ocr,
                render_text_pages: true,
                password,
                ..OpenOptions::default()
            },
            drop_watermarks: self.settings.drop_watermarks,
        });
    }

    /// Reads a password-protected file again with the password typed for it.
    pub fn unlock(&mut self, index: usize) {
        let Some(entry) = self.session.files.get_mut(index) else {
            return;
        };
        let Some(password) = entry.password.take() else { return };
        let path = entry.path.clone();
        if let Some(file) = self.session.requeue(index) {
            self.submit(file, path, Some(password));
        }
    }

    /// Runs `command` now (menus and keys queue them; tests may call this).
    pub fn run_command(&mut self, command: Command) {
        match command {
            Command::Open => {
                if self.pending_open.is_none() {
                    self.pending_open = Some(self.desktop.pick_files(self.settings.last_folder.as_deref()));
                }
            }
            Command::Export => self.ask_where_to_export(),
            Command::CopySelection => match self.selected_text() {
                Some(text) => self.copy(&text, "the selected line"),
                None => self.notify("Select a line first: click its box or its row", false),
            },
            Command::CopyAll => match self.current_file() {
                Some(file) if !file.pages.is_empty() => {
                    let text = file.all_text();
                    let what = format!("all lines of {}", file.name());
                    self.copy(&text, &what);
                }
                _ => self.notify("Nothing read yet", false),
            },
            Command::NextToReview => self.go_to_next_review(),
            Command::PreviousPage => self.turn_page(-1),
            Command::NextPage => self.turn_page(1),
            Command::ZoomIn => self.viewer.zoom_by(1.25),
            Command::ZoomOut => self.viewer.zoom_by(0.8),
            Command::FitWidth => self.viewer.fit(Zoom::FitWidth),
            Command::FitPage => self.viewer.fit(Zoom::FitPage),
            Command::CancelAll => {
                let pending: Vec<_> = self
                    .session
                    .files
                    .iter()
                    .filter(|f| f.state.is_pending())
                    .map(|f| f.id)
                    .collect();
                for file in &pending {
                    self.worker.cancel(*file);
                }
                if !pending.is_empty() {
                    self.notify(&format!("Cancelling {} file(s)", pending.len()), false);
                }
            }
            Command::ToggleTheme => self.settings.dark_theme = !self.settings.dark_theme,
        }
    }

    /// Draws one frame.
    pub fn show(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.frames.frame_started();
        self.worker.set_repaint_context(&ctx);
        if self.applied_theme != Some(self.settings.dark_theme) {
            ctx.set_theme(if self.settings.dark_theme {
                egui::Theme::Dark
            } else {
                egui::Theme::Light
            });
            self.applied_theme = Some(self.settings.dark_theme);
        }
        self.receive();
        self.take_dropped_files(&ctx);
        let text_has_focus = ctx.egui_wants_keyboard_input();
        ctx.input_mut(|input| {
            for command in Command::WITH_SHORTCUTS {
                if command.pressed(input, text_has_focus) {
                    self.commands.push(command);
                }
            }
        });

        egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
        egui::Panel::left("files")
            .resizable(true)
            .default_size(230.0)
            .show(ui, |ui| self.file_list(ui));
        egui::Panel::right("lines")
            .resizable(true)
            .default_size(380.0)
            .min_size(300.0)
            .show(ui, |ui| self.side_panel(ui));
        egui::CentralPanel::default().show(ui, |ui| self.page_panel(ui));
        self.drop_overlay(&ctx);

        for command in std::mem::take(&mut self.commands) {
            self.run_command(command);
        }
        if self.pending_open.is_some() || self.pending_save.is_some() || self.pending_export.is_some() {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        self.frames.frame_finished();
        if let Some(repaint) = self.measure_frames {
            self.measure(&ctx, repaint);
        }
    }

    /// Takes in what the worker and the dialogs have sent.
    fn receive(&mut self) {
        for event in self.worker.poll() {
            match &event {
                WorkerEvent::EngineReady { load_ms } => self.engine = EngineState::Ready { load_ms: *load_ms },
                WorkerEvent::EngineFailed(reason) => self.engine = EngineState::Failed(reason.clone()),
                _ => {}
            }
            self.session.apply(event);
        }
        if let Some(answer) = &self.pending_open
            && let Ok(paths) = answer.try_recv()
        {
            self.pending_open = None;
            self.add_paths(&paths);
        }
        if let Some(answer) = &self.pending_save
            && let Ok(path) = answer.try_recv()
        {
            self.pending_save = None;
            if let Some(path) = path {
                self.export_to(path);
            }
        }
        if let Some(answer) = &self.pending_export
            && let Ok(result) = answer.try_recv()
        {
            self.pending_export = None;
            match result {
                Ok(message) => self.notify(&message, false),
                Err(message) => self.notify(&message, true),
            }
        }
    }

    fn take_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_owned())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if !dropped.is_empty() {
            self.add_paths(&dropped);
        }
    }

    fn drop_overlay(&self, ctx: &egui::Context) {
        let hovering = ctx.input(|i| i.raw.hovered_files.len());
        if hovering == 0 {
            return;
        }
        let painter = ctx.layer_painter(egui::LayerId::new(egui::Order::Foreground, Id::unique("drop-overlay")));
        let screen = ctx.content_rect();
        painter.rect_filled(screen, 0.0, Color32::from_black_alpha(170));
        painter.text(
            screen.center(),
            egui::Align2::CENTER_CENTER,
            format!("Drop to read {hovering} file(s) or folder(s)"),
            egui::FontId::proportional(26.0),
            Color32::WHITE,
        );
    }

    fn menu_bar(&mut self, ui: &mut Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                self.command_button(ui, Command::Open);
                self.command_button(ui, Command::Export);
                ui.separator();
                self.command_button(ui, Command::CancelAll);
            });
            ui.menu_button("Edit", |ui| {
                self.command_button(ui, Command::CopySelection);
                self.command_button(ui, Command::CopyAll);
                self.command_button(ui, Command::NextToReview);
            });
            ui.menu_button("View", |ui| {
                for command in [
                    Command::PreviousPage,
                    Command::NextPage,
                    Command::ZoomIn,
                    Command::ZoomOut,
                    Command::FitWidth,
                    Command::FitPage,
                ] {
                    self.command_button(ui, command);
                }
                ui.separator();
                let mut dark = self.settings.dark_theme;
                if ui.checkbox(&mut dark, Command::ToggleTheme.label()).changed() {
                    self.commands.push(Command::ToggleTheme);
                }
            });
            ui.menu_button("Options", |ui| {
                ui.checkbox(&mut self.settings.drop_watermarks, "Leave out watermarks (light ink)")
                    .on_hover_text("For files opened from now on");
                ui.checkbox(&mut self.settings.force_ocr, "OCR PDF pages that have a text layer")
                    .on_hover_text("For files opened from now on");
                ui.add(
                    egui::Slider::new(&mut self.settings.review_below, 0.5..=1.0)
                        .text("Review lines below this confidence"),
                );
            });
        });
    }

    /// A menu entry for `command`, with its shortcut.
    fn command_button(&mut self, ui: &mut Ui, command: Command) {
        let button = egui::Button::new(command.label()).shortcut_text(command.shortcut_text(ui.ctx()));
        if ui.add(button).clicked() {
            self.commands.push(command);
        }
    }

    fn status_bar(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            match &self.engine {
                // No spinners: an animation repaints every frame, and on a
                // software-rendered display that takes the CPU the reading needs.
                EngineState::Loading => {
                    ui.label("Loading models…");
                }
                EngineState::Ready { load_ms } => {
                    ui.label("Models ready")
                        .on_hover_text(format!("loaded in {load_ms:.0} ms"));
                }
                EngineState::Failed(reason) => {
                    ui.colored_label(ui.visuals().error_fg_color, format!("Models unavailable: {reason}"));
                }
            }
            ui.separator();
            let stats = self.session.stats();
            ui.label(format!(
                "Files read: {} · failed: {} · pages: {} · mean {:.0} ms/page",
                stats.files_read, stats.files_failed, stats.pages, stats.mean_page_ms
            ));
            if let Some(warning) = &self.font_warning {
                ui.separator();
                ui.colored_label(ui.visuals().warn_fg_color, "No CJK font")
                    .on_hover_text(warning);
            }
            if let Some(notice) = &self.notice {
                ui.separator();
                let colour = if notice.is_error {
                    ui.visuals().error_fg_color
                } else {
                    ui.visuals().text_color()
                };
                ui.add(egui::Label::new(RichText::new(&notice.text).color(colour)).truncate());
            }
        });
    }

    fn file_list(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            ui.heading("Files");
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                if ui.button("Open…").on_hover_text("Ctrl+O").clicked() {
                    self.commands.push(Command::Open);
                }
            });
        });
        ui.separator();
        if self.session.files.is_empty() {
            ui.weak("Drop images, PDFs or folders here, or press Ctrl+O.");
            return;
        }
        let mut choose = None;
        let mut cancel = None;
        let mut unlock = None;
        egui::ScrollArea::vertical().id_salt("file-list").show(ui, |ui| {
            for (index, file) in self.session.files.iter_mut().enumerate() {
                let name = file.name();
                ui.horizontal(|ui| {
                    let chosen = self.current == Some(index);
                    if ui
                        .selectable_label(chosen, &name)
                        .on_hover_text(file.path.display().to_string())
                        .clicked()
                    {
                        choose = Some(index);
                    }
                    if file.state.is_pending() {
                        let button = ui.small_button("✖").on_hover_text(format!("Cancel {name}"));
                        name_widget(ui, button.id, &format!("Cancel {name}"));
                        if button.clicked() {
                            cancel = Some(file.id);
                        }
                    }
                });
                match &file.state {
                    FileState::Queued => {
                        ui.weak("queued");
                    }
                    FileState::Reading { done, of } => {
                        let progress = if *of > 0 { *done as f32 / *of as f32 } else { 0.0 };
                        ui.add(egui::ProgressBar::new(progress).text(format!(
                            "reading page {} of {}",
                            done + 1,
                            of.max(&1)
                        )));
                    }
                    FileState::Done => {
                        let lines: usize = file.pages.iter().map(|p| p.page.lines.len()).sum();
                        ui.weak(format!("done · {} page(s) · {lines} lines", file.pages.len()));
                    }
                    FileState::Failed(reason) => {
                        ui.colored_label(ui.visuals().error_fg_color, format!("failed: {reason}"));
                    }
                    FileState::Cancelled => {
                        ui.weak(format!("cancelled after {} page(s)", file.pages.len()));
                    }
                }
                if let Some(password) = &mut file.password {
                    ui.horizontal(|ui| {
                        let field = ui.add(
                            TextEdit::singleline(password)
                                .password(true)
                                .hint_text("Password")
                                .desired_width(120.0),
                        );
                        name_widget(ui, field.id, &format!("Password for {name}"));
                        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                        let button = ui.button("Unlock");
                        name_widget(ui, button.id, &format!("Unlock {name}"));
                        if entered || button.clicked() {
                            unlock = Some(index);
                        }
                    });
                }
                ui.add_space(4.0);
            }
        });
        if let Some(index) = choose {
            self.current = Some(index);
            self.page = 0;
            self.selected_line = None;
        }
        if let Some(file) = cancel {
            self.worker.cancel(file);
        }
        if let Some(index) = unlock {
            self.unlock(index);
        }
    }

    fn page_panel(&mut self, ui: &mut Ui) {
        let Some(index) = self.current else {
            ui.centered_and_justified(|ui| {
                ui.heading("Drop images, PDFs or folders here, or press Ctrl+O to open files.");
            });
            return;
        };
        let pages = self.session.files[index].pages.len();
        self.page = self.page.min(pages.saturating_sub(1));
        ui.horizontal(|ui| {
            let previous = ui.add_enabled(self.page > 0, egui::Button::new("◀"));
            name_widget(ui, previous.id, "Previous page");
            if previous.on_hover_text("Previous page (PageUp)").clicked() {
                self.commands.push(Command::PreviousPage);
            }
            ui.label(format!(
                "Page {} of {}",
                (self.page + 1).min(pages),
                self.session.files[index].page_count.max(pages)
            ));
            let next = ui.add_enabled(self.page + 1 < pages, egui::Button::new("▶"));
            name_widget(ui, next.id, "Next page");
            if next.on_hover_text("Next page (PageDown)").clicked() {
                self.commands.push(Command::NextPage);
            }
            ui.separator();
            for (text, command) in [("−", Command::ZoomOut), ("+", Command::ZoomIn)] {
                let button = ui.button(text);
                name_widget(ui, button.id, command.label());
                if button.clicked() {
                    self.commands.push(command);
                }
            }
            ui.label(format!("{:.0}%", self.viewer.scale() * 100.0));
            for command in [Command::FitWidth, Command::FitPage] {
                if ui.button(command.label()).clicked() {
                    self.commands.push(command);
                }
            }
        });
        ui.separator();
        let file = &mut self.session.files[index];
        if file.pages.is_empty() {
            ui.centered_and_justified(|ui| match &file.state {
                FileState::Failed(reason) => {
                    ui.colored_label(ui.visuals().error_fg_color, format!("{}: {reason}", file.name()));
                }
                FileState::Cancelled => {
                    ui.label("Cancelled before any page was read.");
                }
                FileState::Queued => {
                    ui.weak("Waiting for the files before it…");
                }
                _ => {
                    ui.weak("Reading the first page…");
                }
            });
            return;
        }
        // What the reader should know about this page (an image whose data ends early).
        if let Some(shown) = file.pages.get(self.page) {
            for warning in &shown.page.warnings {
                ui.colored_label(ui.visuals().warn_fg_color, format!("⚠ {warning}"));
            }
        }
        // One page texture at a time: upload this one, free the one before.
        if self.textured != Some((index, self.page)) {
            if let Some((f, p)) = self.textured
                && let Some(old) = self.session.files.get_mut(f).and_then(|f| f.pages.get_mut(p))
            {
                old.texture = None;
            }
            self.textured = None;
        }
        let shown = &mut self.session.files[index].pages[self.page];
        if shown.texture.is_none()
            && let Some(image) = &mut shown.image
        {
            // The worker scales pages to the GPU's limit once it knows it; a page
            // read before the first frame may still be too large.
            let max_side = ui.ctx().input(|i| i.max_texture_side);
            if image.size[0].max(image.size[1]) > max_side {
                let rgb = image::RgbImage::from_fn(image.size[0] as u32, image.size[1] as u32, |x, y| {
                    let [r, g, b, _] = image.pixels[y as usize * image.size[0] + x as usize].to_array();
                    image::Rgb([r, g, b])
                });
                *image = std::sync::Arc::new(worker::display_image(&rgb, max_side as u32));
            }
            let name = format!("page-{index}-{}", self.page);
            shown.texture = Some(ui.ctx().load_texture(name, image.clone(), egui::TextureOptions::LINEAR));
            self.textured = Some((index, self.page));
        }
        let output = self
            .viewer
            .show(ui, shown, self.selected_line, self.settings.review_below);
        if let Some(clicked) = output.clicked {
            self.selected_line = clicked;
            self.scroll_to_selected = clicked.is_some();
        }
    }

    /// The panel beside the page: tabs for its lines, fields and tables.
    fn side_panel(&mut self, ui: &mut Ui) {
        let shown = self
            .current
            .and_then(|i| self.session.files.get(i))
            .and_then(|f| f.pages.get(self.page));
        let (fields, failed, tables) = shown.map_or((0, 0, 0), |s| {
            let failed = s
                .page
                .fields
                .iter()
                .filter(|f| f.verdict == Some(crate::result::Verdict::Invalid))
                .count();
            (s.page.fields.len(), failed, s.page.tables.len())
        });
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.side_tab, SideTab::Lines, "Lines");
            let fields_label = if failed > 0 {
                RichText::new(format!("Fields ({fields}) ✖")).color(Color32::from_rgb(220, 50, 50))
            } else {
                RichText::new(format!("Fields ({fields})"))
            };
            ui.selectable_value(&mut self.side_tab, SideTab::Fields, fields_label);
            ui.selectable_value(&mut self.side_tab, SideTab::Tables, format!("Tables ({tables})"));
        });
        ui.separator();
        let action = match self.side_tab {
            SideTab::Lines => {
                self.lines_panel(ui);
                None
            }
            SideTab::Fields => match self
                .current
                .and_then(|i| self.session.files.get(i))
                .and_then(|f| f.pages.get(self.page))
            {
                Some(shown) => results::fields_panel(ui, &shown.page),
                None => None,
            },
            SideTab::Tables => {
                let page = self.page;
                match self.current.and_then(|i| self.session.files.get_mut(i)) {
                    Some(file) => {
                        let salt = (file.id, page);
                        match file.pages.get_mut(page) {
                            Some(shown) => results::tables_panel(ui, &mut shown.page, &mut self.selected_table, salt),
                            None => None,
                        }
                    }
                    None => None,
                }
            }
        };
        if let Some(results::PanelAction::Copy(text, what)) = action {
            self.copy(&text, &what);
        }
    }

    fn lines_panel(&mut self, ui: &mut Ui) {
        // A panel shrinks to its content; the line fields should use all of it.
        ui.set_min_width(ui.available_width());
        let review_below = self.settings.review_below;
        let Some(index) = self.current else {
            ui.heading("Lines");
            return;
        };
        let page_index = self.page;
        let file = &mut self.session.files[index];
        let Some(shown) = file.pages.get_mut(page_index) else {
            ui.heading("Lines");
            return;
        };
        let to_review = shown
            .page
            .lines
            .iter()
            .filter(|l| session::needs_review(l, review_below))
            .count();
        ui.horizontal(|ui| {
            ui.heading(format!("Lines ({})", shown.page.lines.len()));
            if to_review > 0 {
                ui.colored_label(Color32::from_rgb(220, 50, 50), format!("⚠ {to_review} to review"));
            }
        });
        ui.horizontal(|ui| {
            for command in [Command::CopyAll, Command::NextToReview] {
                let hover = command.shortcut_text(ui.ctx());
                let button = ui.button(command.label());
                let button = if hover.is_empty() {
                    button
                } else {
                    button.on_hover_text(hover)
                };
                if button.clicked() {
                    self.commands.push(command);
                }
            }
        });
        ui.separator();
        let row_height = ui.spacing().interact_size.y + 4.0;
        let mut scroll = egui::ScrollArea::vertical()
            .id_salt(("lines", file.id, page_index))
            .auto_shrink(false);
        if self.scroll_to_selected
            && let Some(line) = self.selected_line
        {
            let spacing = ui.spacing().item_spacing.y;
            scroll = scroll.vertical_scroll_offset(((row_height + spacing) * line as f32 - 120.0).max(0.0));
        }
        let mut select = None;
        let mut copy = None;
        let file_id = file.id;
        let selected_line = self.selected_line;
        let scroll_to_selected = self.scroll_to_selected;
        let count = shown.page.lines.len();
        scroll.show_rows(ui, row_height, count, |ui, rows| {
            for i in rows {
                let line = &mut shown.page.lines[i];
                let row = ui.horizontal(|ui| {
                    ui.set_min_height(row_height);
                    let flag = if session::needs_review(line, review_below) {
                        RichText::new("⚠").color(Color32::from_rgb(220, 50, 50))
                    } else {
                        RichText::new(" ")
                    };
                    ui.label(flag)
                        .on_hover_text(format!("confidence {:.0}%", line.confidence * 100.0));
                    let width = (ui.available_width() - 64.0).max(60.0);
                    let mut text = line.text.clone();
                    let edit = ui.add(
                        TextEdit::singleline(&mut text)
                            .id_salt(("line", file_id, page_index, i))
                            .desired_width(width)
                            .text_color_opt(line.edited.then_some(Color32::from_rgb(60, 120, 230))),
                    );
                    name_widget(ui, edit.id, &format!("Line {}", i + 1));
                    if edit.changed() {
                        line.edit(&text);
                    }
                    if edit.gained_focus() || edit.clicked() {
                        select = Some(i);
                    }
                    let button = ui.small_button("📋").on_hover_text("Copy this line");
                    name_widget(ui, button.id, &format!("Copy line {}", i + 1));
                    if button.clicked() {
                        copy = Some(i);
                    }
                    if line.edited {
                        ui.label(RichText::new("✏").color(Color32::from_rgb(60, 120, 230)))
                            .on_hover_text(format!(
                                "Edited; read as “{}”",
                                line.ocr_text.as_deref().unwrap_or_default()
                            ));
                    }
                });
                if selected_line == Some(i) {
                    let highlight = ui.visuals().selection.bg_fill.gamma_multiply(0.35);
                    ui.painter().rect_filled(row.response.rect.expand(1.0), 2.0, highlight);
                    if scroll_to_selected {
                        ui.scroll_to_rect(row.response.rect, Some(Align::Center));
                    }
                }
            }
        });
        self.scroll_to_selected = false;
        if let Some(i) = select {
            self.selected_line = Some(i);
        }
        if let Some(i) = copy {
            self.selected_line = Some(i);
            let text = shown.page.lines[i].text.clone();
            self.copy(&text, &format!("line {}", i + 1));
        }
    }

    fn copy(&mut self, text: &str, what: &str) {
        match self.desktop.copy_text(text) {
            Ok(()) => self.notify(&format!("Copied {what}"), false),
            Err(e) => self.notify(&format!("Could not copy {what}: {e}"), true),
        }
    }

    fn notify(&mut self, text: &str, is_error: bool) {
        self.notice = Some(Notice {
            text: text.to_owned(),
            is_error,
        });
    }

    fn current_file(&self) -> Option<&session::FileEntry> {
        self.current.and_then(|i| self.session.files.get(i))
    }

    fn selected_text(&self) -> Option<String> {
        let file = self.current_file()?;
        let line = file.pages.get(self.page)?.page.lines.get(self.selected_line?)?;
        Some(line.text.clone())
    }

    fn turn_page(&mut self, by: isize) {
        let Some(file) = self.current_file() else { return };
        let last = file.pages.len().saturating_sub(1);
        let page = (self.page as isize + by).clamp(0, last as isize) as usize;
        if page != self.page {
            self.page = page;
            self.selected_line = None;
        }
    }

    fn go_to_next_review(&mut self) {
        let Some(file) = self.current_file() else { return };
        let after = self.selected_line.map(|l| (self.page, l));
        match next_to_review(file, after, self.settings.review_below) {
            Some((page, line)) => {
                self.page = page;
                self.selected_line = Some(line);
                self.scroll_to_selected = true;
            }
            None => self.notify("Nothing left to review in this file", false),
        }
    }

    fn ask_where_to_export(&mut self) {
        if self.pending_save.is_some() || self.pending_export.is_some() {
            return;
        }
        let docs = self.session.documents();
        let name = match docs.as_slice() {
            [doc] => Path::new(&doc.source)
                .file_stem()
                .map(|s| format!("{}.xlsx", s.to_string_lossy()))
                .unwrap_or_else(|| "ocr-results.xlsx".into()),
            [] => {
                self.notify("Nothing to export yet", false);
                return;
            }
            _ => "ocr-results.xlsx".into(),
        };
        let formats = [ExportFormat::Xlsx, ExportFormat::Json, ExportFormat::Txt];
        self.pending_save = Some(
            self.desktop
                .save_file(self.settings.last_folder.as_deref(), &name, &formats),
        );
    }

    /// Writes every document read so far (with corrections) to `path`; the format
    /// follows the extension (`.xlsx` is added when there is none we know).
    pub fn export_to(&mut self, mut path: PathBuf) {
        let format = ExportFormat::from_path(&path).unwrap_or_else(|| {
            path.as_mut_os_string().push(".xlsx");
            ExportFormat::Xlsx
        });
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            self.settings.last_folder = Some(parent.to_owned());
        }
        let docs = self.session.documents();
        // Written off the UI thread: a big workbook takes a moment.
        self.pending_export = Some(desktop::in_background(
            move || {
                crate::guard::catch(|| {
                    export::write_documents(&path, &docs, format)
                        .map(|()| format!("Exported {} document(s) to {}", docs.len(), path.display()))
                        .map_err(|e| format!("Export failed: {e}"))
                })
                .unwrap_or_else(|panic| Err(format!("Export failed: internal error: {panic}")))
            },
            Err("Export failed: cannot start a thread".into()),
        ));
    }

    /// Whether an export is still being written.
    pub fn is_exporting(&self) -> bool {
        self.pending_export.is_some() || self.pending_save.is_some()
    }

    /// In `--measure-frames` mode: keep repainting while files are read, then
    /// print the frame-time figures and close.
    fn measure(&mut self, ctx: &egui::Context, repaint: Repaint) {
        if self.session.is_busy() || self.session.files.is_empty() || self.engine == EngineState::Loading {
            if repaint == Repaint::Continuous {
                ctx.request_repaint();
            }
            return;
        }
        if !self.frames_reported {
            self.frames_reported = true;
            println!("{}", self.frames.report());
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
    }
}

/// Gives a widget its accessible name (what screen readers say, and what
/// tests find it by) when its visible text is an icon.
fn name_widget(ui: &Ui, id: Id, name: &str) {
    ui.ctx().accesskit_node_builder(id, |node| node.set_label(name));
}

impl eframe::App for OcrDeskApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
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
