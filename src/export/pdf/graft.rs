//! Pages of a PDF input copied into the searchable PDF as they are: the page's
//! own content streams, fonts and images (a scan keeps its JBIG2 or CCITT image
//! byte for byte, a born-digital page its fonts and vectors). Over a scanned
//! page the text read goes in a last content stream of its own, after the
//! page's own wrapped in `q`…`Q` so that nothing they leave set moves it; what
//! OCRmyPDF calls grafting. The source is read with `lopdf`; every object a page
//! needs is copied once per document, its references renumbered.
//!
//! While copying, what is known to break PDF/A-2b is noted: LZW streams, fonts
//! not embedded, CMYK colour under the sRGB output intent, transfer functions,
//! optional content, PostScript, external streams. A file with any of these is
//! written as a plain PDF, and says why.

use std::collections::{BTreeSet, HashMap};

use lopdf::content::Content as Operations;
use lopdf::{Dictionary, Object, ObjectId};
use pdf_writer::{Finish, Name, Null, Obj, Pdf, Ref, Str};

/// Links followed up the page tree for an inherited attribute, or through a
/// chain of references: a loop in a damaged file ends here.
const MAX_LINKS: usize = 64;

/// Page attributes copied as they are (those inherited are looked up the tree).
const PAGE_BOXES: [&[u8]; 7] = [
    b"MediaBox",
    b"CropBox",
    b"BleedBox",
    b"TrimBox",
    b"ArtBox",
    b"UserUnit",
    b"Group",
];
/// Attributes a page inherits from the page tree (ISO 32000-1, 7.7.3.4).
const INHERITED: [&[u8]; 4] = [b"Resources", b"MediaBox", b"CropBox", b"Rotate"];
/// Keys of an image dictionary PDF/A forbids that only hint at rendering or
/// point at other versions of the image: left out, the page looks the same.
const DROPPED_IMAGE_KEYS: [&[u8]; 3] = [b"Interpolate", b"Alternates", b"OPI"];

/// A PDF input whose pages are copied into the output.
pub struct SourcePdf {
    doc: lopdf::Document,
    pages: Vec<ObjectId>,
    /// The output's reference of every source object copied so far.
    copied: HashMap<ObjectId, Ref>,
    /// Objects referred to but not written yet.
    pending: Vec<ObjectId>,
    /// The output's reference of each source page that will be written, so
    /// that links and annotations pointing at a page point at its copy.
    page_refs: HashMap<ObjectId, Ref>,
    /// What was copied that PDF/A-2b forbids.
    not_pdfa: NotPdfA,
}

/// What copied pages hold that PDF/A-2b forbids.
#[derive(Default)]
struct NotPdfA {
    /// Fonts used but not embedded, by name.
    fonts: BTreeSet<String>,
    /// Anything else, said in a few words.
    other: BTreeSet<&'static str>,
}

/// Why a PDF's objects cannot be read for copying.
#[derive(Debug, thiserror::Error)]
#[error("cannot read the PDF's objects: {0}")]
pub struct SourceError(#[from] lopdf::Error);

impl SourcePdf {
    /// Reads the PDF `bytes` (decrypted with `password` when it is encrypted).
    pub fn load(bytes: &[u8], password: Option<&str>) -> Result<Self, SourceError> {
        let options = lopdf::LoadOptions {
            password: password.map(str::to_owned),
            ..Default::default()
        };
        let doc = lopdf::Document::load_mem_with_options(bytes, options)?;
        let pages = doc.get_pages().into_values().collect();
        Ok(Self {
            doc,
            pages,
            copied: HashMap::new(),
            pending: Vec::new(),
            page_refs: HashMap::new(),
            not_pdfa: NotPdfA::default(),
        })
    }

    /// What the pages copied so far hold that PDF/A-2b forbids, said in a few
    /// words each; empty when nothing.
    pub fn not_pdfa(&self) -> Vec<String> {
        let mut why: Vec<String> = self.not_pdfa.other.iter().map(|s| (*s).to_owned()).collect();
        if !self.not_pdfa.fonts.is_empty() {
            let fonts: Vec<&str> = self.not_pdfa.fonts.iter().map(String::as_str).collect();
            why.insert(0, format!("fonts not embedded ({})", fonts.join(", ")));
        }
        why
    }

    /// Says that page `index` (0-based) will be written as `id`.
    pub(super) fn reserve_page(&mut self, index: usize, id: Ref) {
        if let Some(&page) = self.pages.get(index) {
            self.page_refs.insert(page, id);
        }
    }

    /// The reference reserved for page `index`, if any.
    pub(super) fn reserved_page(&self, index: usize) -> Option<Ref> {
        self.pages.get(index).and_then(|page| self.page_refs.get(page)).copied()
    }

    /// How many pages the file's page tree holds.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Writes the source's page `index` (0-based) as page `id` of `pdf`, under
    /// `tree`, turned `extra_turn` degrees more; `overlay`, when given, is a
    /// content stream drawn last with `font` as `font_name` among its fonts.
    pub(super) fn write_page(&mut self, pdf: &mut Pdf, ids: &mut Ref, page: GraftedPage) -> Option<()> {
        let GraftedPage {
            index,
            id,
            tree,
            extra_turn,
            overlay,
            level,
        } = page;
        let source_id = *self.pages.get(index)?;
        let doc = &self.doc;
        let dict = doc.get_dictionary(source_id).ok()?;
        let inherited = |key: &[u8]| inherited(doc, dict, key);
        let mut copier = Copier {
            doc,
            copied: &mut self.copied,
            pending: &mut self.pending,
            page_refs: &self.page_refs,
            not_pdfa: &mut self.not_pdfa,
            ids,
        };
        let contents = contents_of(doc, dict);
        for &stream in &contents {
            copier.check_content(stream);
        }
        let wrapped = overlay.as_ref().map(|o| {
            let (save, restore, text) = (copier.ids.bump(), copier.ids.bump(), copier.ids.bump());
            let mut start = b"q\n".to_vec();
            if let Some(level) = &level {
                let m = level.matrix;
                start.extend(format!("{} {} {} {} {} {} cm\n", m[0], m[1], m[2], m[3], m[4], m[5]).bytes());
            }
            pdf.stream(save, &start);
            pdf.stream(restore, b"\nQ\n");
            pdf.stream(text, &o.content).filter(pdf_writer::Filter::FlateDecode);
            (save, restore, text)
        });
        let mut out = pdf.indirect(id).dict();
        out.pair(Name(b"Type"), Name(b"Page"));
        out.pair(Name(b"Parent"), tree);
        if let Some(level) = &level {
            let [x0, y0, x1, y1] = level.page_box;
            let page_box = pdf_writer::Rect::new(x0, y0, x1, y1);
            out.pair(Name(b"MediaBox"), page_box);
            out.pair(Name(b"CropBox"), page_box);
        }
        for key in PAGE_BOXES {
            // A page shown level has grown: its old boxes no longer frame it.
            if level.is_some() && key.ends_with(b"Box") {
                continue;
            }
            let value = match INHERITED.contains(&key) {
                true => inherited(key),
                false => dict.get(key).ok(),
            };
            if let Some(value) = value {
                copier.write(out.insert(Name(key)), value);
            }
        }
        let turn = inherited(b"Rotate").and_then(|r| r.as_i64().ok()).unwrap_or(0);
        let turn = (turn + i64::from(extra_turn)).rem_euclid(360);
        if turn != 0 {
            out.pair(Name(b"Rotate"), turn as i32);
        }
        let resources = inherited(b"Resources").and_then(|r| deref(doc, r).as_dict().ok());
        copier.write_resources(out.insert(Name(b"Resources")), resources, overlay.as_ref());
        let mut array = out.insert(Name(b"Contents")).array();
        match wrapped {
            Some((save, restore, text)) => {
                array.item(save);
                for &stream in &contents {
                    array.item(copier.reference(stream));
                }
                array.item(restore);
                array.item(text);
            }
            None => {
                for &stream in &contents {
                    array.item(copier.reference(stream));
                }
            }
        }
        array.finish();
        // Links, form fields, stamps: their /P and a link's destination point at
        // the copies of the pages written, or at nothing.
        if let Ok(annotations) = dict.get(b"Annots") {
            copier.write(out.insert(Name(b"Annots")), annotations);
        }
        out.finish();
        copier.write_pending(pdf);
        Some(())
    }
}

/// One page to graft.
pub(super) struct GraftedPage {
    pub(super) index: usize,
    pub(super) id: Ref,
    pub(super) tree: Ref,
    pub(super) extra_turn: i32,
    pub(super) overlay: Option<Overlay>,
    /// The page drawn turned level, when the engine straightened it to read.
    pub(super) level: Option<Level>,
}

/// A skewed page shown level: its content turned, on a page grown to hold it.
pub(super) struct Level {
    /// The turn, as a `cm` matrix in the page's own coordinates.
    pub(super) matrix: [f32; 6],
    /// The grown page: media box and crop box.
    pub(super) page_box: [f32; 4],
}

/// The text layer laid over a grafted page.
pub(super) struct Overlay {
    /// The content stream, Flate-compressed.
    pub(super) content: Vec<u8>,
    pub(super) font_name: Vec<u8>,
    pub(super) font: Ref,
}

/// A name for the overlay's font that none of the page's fonts uses.
pub(super) fn free_font_name(source: &SourcePdf, index: usize) -> Vec<u8> {
    let doc = &source.doc;
    let fonts = source
        .pages
        .get(index)
        .and_then(|&id| doc.get_dictionary(id).ok())
        .and_then(|page| inherited(doc, page, b"Resources"))
        .and_then(|r| deref(doc, r).as_dict().ok())
        .and_then(|r| r.get(b"Font").ok())
        .and_then(|f| deref(doc, f).as_dict().ok());
    let mut name = b"OCRDeskText".to_vec();
    while fonts.is_some_and(|f| f.has(&name)) {
        name.push(b'X');
    }
    name
}

/// A page attribute, from the page or the nearest page tree node above it that has it.
fn inherited<'a>(doc: &'a lopdf::Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = page;
    for _ in 0..MAX_LINKS {
        if let Ok(value) = node.get(key) {
            return Some(value);
        }
        node = node.get(b"Parent").ok().and_then(|p| deref(doc, p).as_dict().ok())?;
    }
    None
}

/// `object`, or what it refers to (a dangling reference is null).
fn deref<'a>(doc: &'a lopdf::Document, object: &'a Object) -> &'a Object {
    const NULL: Object = Object::Null;
    let mut object = object;
    for _ in 0..MAX_LINKS {
        match object {
            Object::Reference(id) => object = doc.get_object(*id).unwrap_or(&NULL),
            other => return other,
        }
    }
    &NULL
}

/// The page's content streams, in order.
fn contents_of(doc: &lopdf::Document, page: &Dictionary) -> Vec<ObjectId> {
    match page.get(b"Contents") {
        Ok(Object::Reference(id)) => match doc.get_object(*id) {
            Ok(Object::Array(items)) => items.iter().filter_map(|i| i.as_reference().ok()).collect(),
            _ => vec![*id],
        },
        Ok(Object::Array(items)) => items.iter().filter_map(|i| i.as_reference().ok()).collect(),
        _ => Vec::new(),
    }
}

/// Copies source objects into the output, each once.
struct Copier<'a> {
    doc: &'a lopdf::Document,
    copied: &'a mut HashMap<ObjectId, Ref>,
    pending: &'a mut Vec<ObjectId>,
    page_refs: &'a HashMap<ObjectId, Ref>,
    not_pdfa: &'a mut NotPdfA,
    ids: &'a mut Ref,
}

impl Copier<'_> {
    /// The output's reference for source object `id`, to be written if it is new.
    fn reference(&mut self, id: ObjectId) -> Ref {
        if let Some(r) = self.copied.get(&id) {
            return *r;
        }
        let r = self.ids.bump();
        self.copied.insert(id, r);
        self.pending.push(id);
        r
    }

    /// Whether `id` is a page or a page tree node: never copied through a
    /// reference, or one link would bring the whole document along (a page
    /// written anyway is referred to as its copy).
    fn is_page_tree(&self, id: ObjectId) -> bool {
        self.doc
            .get_dictionary(id)
            .ok()
            .and_then(|d| d.get_type().ok())
            .is_some_and(|t| t == b"Page" || t == b"Pages")
    }

    fn write(&mut self, obj: Obj, value: &Object) {
        match value {
            Object::Null | Object::Stream(_) => obj.primitive(Null),
            Object::Boolean(b) => obj.primitive(*b),
            Object::Integer(i) => match i32::try_from(*i) {
                Ok(i) => obj.primitive(i),
                Err(_) => obj.primitive(*i as f32),
            },
            Object::Real(r) => obj.primitive(*r),
            Object::Name(n) => {
                self.check_name(n);
                obj.primitive(Name(n));
            }
            Object::String(s, _) => obj.primitive(Str(s)),
            Object::Array(items) => {
                let mut array = obj.array();
                for item in items {
                    self.write(array.push(), item);
                }
            }
            Object::Dictionary(dict) => {
                self.check_dict(dict);
                let mut out = obj.dict();
                for (key, value) in dict.iter() {
                    self.write(out.insert(Name(key)), value);
                }
            }
            Object::Reference(id) if self.is_page_tree(*id) => match self.page_refs.get(id) {
                Some(page) => obj.primitive(*page),
                None => obj.primitive(Null),
            },
            Object::Reference(id) => {
                let r = self.reference(*id);
                obj.primitive(r);
            }
        }
    }

    /// The page's resources, with the overlay's font among its fonts.
    fn write_resources(&mut self, obj: Obj, resources: Option<&Dictionary>, overlay: Option<&Overlay>) {
        let mut out = obj.dict();
        let empty = Dictionary::new();
        let resources = resources.unwrap_or(&empty);
        for (key, value) in resources.iter() {
            if key.as_slice() == b"Font"
                && let Some(overlay) = overlay
            {
                let mut out_fonts = out.insert(Name(b"Font")).dict();
                if let Ok(fonts) = deref(self.doc, value).as_dict() {
                    for (name, font) in fonts.iter() {
                        self.write(out_fonts.insert(Name(name)), font);
                    }
                }
                out_fonts.pair(Name(&overlay.font_name), overlay.font);
            } else {
                self.write(out.insert(Name(key)), value);
            }
        }
        if let Some(overlay) = overlay
            && !resources.has(b"Font")
        {
            out.insert(Name(b"Font"))
                .dict()
                .pair(Name(&overlay.font_name), overlay.font);
        }
    }

    /// Writes every object referred to, and every object they refer to.
    fn write_pending(&mut self, pdf: &mut Pdf) {
        const NULL: Object = Object::Null;
        while let Some(id) = self.pending.pop() {
            let target = self.copied[&id];
            let doc = self.doc;
            match doc.get_object(id).unwrap_or(&NULL) {
                Object::Stream(stream) => {
                    self.check_stream(&stream.dict);
                    if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Form") {
                        self.check_content(id);
                    }
                    let is_image = stream.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image");
                    let mut out = pdf.stream(target, &stream.content);
                    for (key, value) in stream.dict.iter() {
                        let dropped = is_image && DROPPED_IMAGE_KEYS.contains(&key.as_slice());
                        if key.as_slice() != b"Length" && !dropped {
                            self.write(out.insert(Name(key)), value);
                        }
                    }
                }
                object => self.write(pdf.indirect(target), object),
            }
        }
    }

    fn check_name(&mut self, name: &[u8]) {
        if name == b"DeviceCMYK" {
            self.note("CMYK colour (its output intent is sRGB)");
        }
    }

    fn check_dict(&mut self, dict: &Dictionary) {
        let name = |key: &[u8]| dict.get(key).and_then(Object::as_name).ok();
        if dict.has(b"TR") || name(b"TR2").is_some_and(|n| n != b"Default") {
            self.note("a transfer function");
        }
        if dict.has(b"OC") {
            self.note("optional content (layers)");
        }
        if let Some(action) = name(b"S")
            && matches!(
                action,
                b"JavaScript" | b"Launch" | b"Sound" | b"Movie" | b"ResetForm" | b"ImportData" | b"Hide" | b"Rendition"
            )
        {
            self.note("scripts or actions PDF/A forbids");
        }
        if name(b"Type") == Some(b"Annot") || dict.has(b"Rect") && dict.has(b"Subtype") {
            self.check_annotation(dict);
        }
        if let Some(subtype) = name(b"Subtype")
            && matches!(
                subtype,
                b"Type1" | b"MMType1" | b"TrueType" | b"CIDFontType0" | b"CIDFontType2"
            )
            && dict.has(b"BaseFont")
            && !self.font_is_embedded(dict)
        {
            let font = name(b"BaseFont").unwrap_or_default();
            self.not_pdfa.fonts.insert(String::from_utf8_lossy(font).into_owned());
        }
    }

    /// PDF/A-2 wants every annotation printed as it is shown, with an appearance
    /// of its own, and none that plays media.
    fn check_annotation(&mut self, dict: &Dictionary) {
        /// Annotation flags: Invisible, Hidden, NoView, ToggleNoView must be off, Print on.
        const FORBIDDEN_FLAGS: i64 = 1 | 2 | 32 | 256;
        const PRINT: i64 = 4;
        let subtype = dict.get(b"Subtype").and_then(Object::as_name).unwrap_or_default();
        if matches!(
            subtype,
            b"Sound" | b"Movie" | b"Screen" | b"3D" | b"RichMedia" | b"FileAttachment"
        ) {
            self.note("annotations that play media or carry files");
            return;
        }
        if subtype == b"Popup" {
            return;
        }
        let flags = dict.get(b"F").and_then(Object::as_i64).unwrap_or(0);
        if flags & PRINT == 0 || flags & FORBIDDEN_FLAGS != 0 {
            self.note("annotations that do not print");
        }
        if subtype != b"Link" && !dict.has(b"AP") {
            self.note("annotations without an appearance");
        }
    }

    fn font_is_embedded(&self, font: &Dictionary) -> bool {
        font.get(b"FontDescriptor")
            .ok()
            .and_then(|d| deref(self.doc, d).as_dict().ok())
            .is_some_and(|d| d.has(b"FontFile") || d.has(b"FontFile2") || d.has(b"FontFile3"))
    }

    fn check_stream(&mut self, dict: &Dictionary) {
        self.check_dict(dict);
        let filters = match dict.get(b"Filter") {
            Ok(Object::Array(items)) => items.iter().filter_map(|i| i.as_name().ok()).collect(),
            Ok(Object::Name(n)) => vec![n.as_slice()],
            _ => Vec::new(),
        };
        if filters.iter().any(|f| *f == b"LZWDecode" || *f == b"LZW") {
            self.note("LZW compression");
        }
        if dict.has(b"F") {
            self.note("a stream kept in another file");
        }
        if dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"PS")
            || dict.get(b"Subtype2").and_then(Object::as_name).ok() == Some(b"PS")
        {
            self.note("PostScript");
        }
    }

    /// Looks through a content stream for what its resources cannot show:
    /// CMYK colour set by operator, and PostScript.
    fn check_content(&mut self, id: ObjectId) {
        let Ok(Object::Stream(stream)) = self.doc.get_object(id) else {
            return;
        };
        let Ok(content) = stream.decompressed_content().or_else(|_| {
            // Not compressed at all.
            match stream.dict.has(b"Filter") {
                true => Err(()),
                false => Ok(stream.content.clone()),
            }
        }) else {
            return;
        };
        let Ok(operations) = Operations::decode(&content) else {
            return;
        };
        for op in &operations.operations {
            match op.operator.as_str() {
                "k" | "K" => self.note("CMYK colour (its output intent is sRGB)"),
                "PS" => self.note("PostScript"),
                _ => {}
            }
        }
    }

    fn note(&mut self, what: &'static str) {
        self.not_pdfa.other.insert(what);
    }
}
