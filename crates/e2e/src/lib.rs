//! Test support for the end-to-end suite (see tests/).
