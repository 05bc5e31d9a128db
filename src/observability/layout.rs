//! Laying out CloudWatch dashboard widgets on the 24-column grid.
//!
//! A dashboard is a list of sections, one per component (an ECS service, a node pool): a
//! full-width header row, then the component's widgets packed left to right and wrapped onto
//! new rows. Positions are computed here rather than left to CloudWatch so that the layout is
//! fixed, reviewable in the generated code and tested.

/// Columns of a CloudWatch dashboard grid.
pub const COLUMNS: u32 = 24;

/// Something to place, with its size in grid units.
#[derive(Debug, Clone, PartialEq)]
pub struct Tile<W> {
    pub width: u32,
    pub height: u32,
    pub content: W,
}

impl<W> Tile<W> {
    pub fn new(width: u32, height: u32, content: W) -> Self {
        Self {
            width,
            height,
            content,
        }
    }
}

/// A header (always full width) and the widgets below it.
#[derive(Debug, Clone, PartialEq)]
pub struct Section<W> {
    pub header: Tile<W>,
    pub widgets: Vec<Tile<W>>,
}

/// A tile at its place: `x` in 0..24, `y` from the top, both in grid units.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed<W> {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    pub content: W,
}

#[cfg(test)]
impl<W> Placed<W> {
    /// Whether two placed tiles share at least one grid cell.
    pub fn overlaps<V>(&self, other: &Placed<V>) -> bool {
        self.x < other.x + other.width
            && other.x < self.x + self.width
            && self.y < other.y + other.height
            && other.y < self.y + self.height
    }
}

/// Places every section below the previous one. Widths are clamped to 1..=24 and heights to at
/// least 1, so any input gives a valid, overlap-free layout.
pub fn layout<W>(sections: Vec<Section<W>>) -> Vec<Placed<W>> {
    let mut placed = Vec::new();
    let mut top = 0;
    for section in sections {
        let header_height = section.header.height.max(1);
        placed.push(Placed {
            x: 0,
            y: top,
            width: COLUMNS,
            height: header_height,
            content: section.header.content,
        });
        top += header_height;

        // Pack the row left to right; a widget that does not fit starts a new row below the
        // tallest widget of the current one.
        let (mut x, mut row_height) = (0, 0);
        for widget in section.widgets {
            let width = widget.width.clamp(1, COLUMNS);
            let height = widget.height.max(1);
            if x + width > COLUMNS {
                top += row_height;
                x = 0;
                row_height = 0;
            }
            placed.push(Placed {
                x,
                y: top,
                width,
                height,
                content: widget.content,
            });
            x += width;
            row_height = row_height.max(height);
        }
        top += row_height;
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn assert_valid<W>(placed: &[Placed<W>]) {
        for (i, a) in placed.iter().enumerate() {
            assert!(a.x + a.width <= COLUMNS, "tile {i} leaves the grid");
            for (j, b) in placed.iter().enumerate().skip(i + 1) {
                assert!(!a.overlaps(b), "tiles {i} and {j} overlap");
            }
        }
    }

    #[test]
    fn four_quarter_widgets_share_the_row_under_their_header() {
        let placed = layout(vec![Section {
            header: Tile::new(24, 1, "api"),
            widgets: (0..4)
                .map(|i| Tile::new(6, 6, ["a", "b", "c", "d"][i]))
                .collect(),
        }]);
        let positions: Vec<(u32, u32)> = placed.iter().map(|p| (p.x, p.y)).collect();
        assert_eq!(positions, [(0, 0), (0, 1), (6, 1), (12, 1), (18, 1)]);
    }

    #[test]
    fn a_widget_that_does_not_fit_wraps_below_the_tallest_of_the_row() {
        let placed = layout(vec![
            Section {
                header: Tile::new(24, 1, "first"),
                widgets: vec![
                    Tile::new(12, 3, "short"),
                    Tile::new(8, 6, "tall"),
                    Tile::new(8, 2, "wraps"),
                ],
            },
            Section {
                header: Tile::new(24, 1, "second"),
                widgets: vec![],
            },
        ]);
        let wraps = &placed[3];
        assert_eq!((wraps.x, wraps.y), (0, 7));
        let second = &placed[4];
        assert_eq!((second.x, second.y), (0, 9));
        assert_valid(&placed);
    }

    proptest! {
        #[test]
        fn any_sizes_stay_on_the_grid_without_overlaps(
            sections in proptest::collection::vec(
                (0u32..5, proptest::collection::vec((0u32..40, 0u32..9), 0..9)),
                0..6,
            )
        ) {
            let sections = sections
                .into_iter()
                .map(|(h, widgets)| Section {
                    header: Tile::new(24, h, ()),
                    widgets: widgets.into_iter().map(|(w, h)| Tile::new(w, h, ())).collect(),
                })
                .collect();
            assert_valid(&layout(sections));
        }
    }
}
