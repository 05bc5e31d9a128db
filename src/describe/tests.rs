//! Tests of the description layer.
