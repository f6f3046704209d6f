//! Byte offsets to protocol positions and back. The protocol counts columns in UTF-16 code
//! units (the only encoding every client supports); drc's spans count bytes.

use lsp_types::{Position, Range};

/// Where each line of a text starts, to turn offsets into positions and back.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// The index of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
        LineIndex { starts }
    }

    /// The position of byte `offset` of `text` (clamped to the text, and to a character
    /// boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let column: usize = text[self.starts[line]..offset]
            .chars()
            .map(char::len_utf16)
            .sum();
        Position::new(to_u32(line), to_u32(column))
    }

    /// The byte offset of `position` in `text`: a column past the end of its line is the
    /// end of the line, a line past the end of the text is the end of the text.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .map_or(text.len(), |&next| next - 1);
        let mut units = 0;
        for (at, c) in text[start..end].char_indices() {
            if units >= position.character as usize {
                return start + at;
            }
            units += c.len_utf16();
        }
        end
    }

    /// The range of bytes `start..end` of `text`.
    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(self.position(text, start), self.position(text, end))
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).expect("source files are smaller than 4 GiB")
}

#[cfg(test)]
mod tests {
    use super::LineIndex;
    use lsp_types::Position;

    #[test]
    fn columns_count_utf16_code_units() {
        // `é` is 2 bytes and 1 unit; `𝄞` is 4 bytes and 2 units.
        let text = "a = \"é𝄞\" x\nsecond\n";
        let index = LineIndex::new(text);
        let x = text.find(" x").expect("x") + 1;
        assert_eq!(index.position(text, x), Position::new(0, 10));
        assert_eq!(index.offset(text, Position::new(0, 10)), x);
        assert_eq!(
            index.position(text, text.find("second").expect("s")),
            Position::new(1, 0)
        );
        // Past the end of a line: its end; past the last line: the end of the text.
        assert_eq!(
            index.offset(text, Position::new(0, 99)),
            text.find('\n').expect("nl")
        );
        assert_eq!(index.offset(text, Position::new(9, 0)), text.len());
        // Inside a character: its start.
        assert_eq!(
            index.position(text, text.find('é').expect("é") + 1),
            Position::new(0, 5)
        );
    }
}
