//! What sits above lines: reading order, machine-readable zones; tables and fields later.
//! Pure functions on lines, testable without models.

pub mod mrz;
pub mod reading_order;
pub mod watermark;
