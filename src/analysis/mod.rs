//! What sits above lines: reading order now; tables, MRZ, fields later.
//! Pure functions on lines, testable without models.

pub mod reading_order;
pub mod watermark;
