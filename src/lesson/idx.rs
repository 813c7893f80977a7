//! IDX files, the format MNIST is distributed in: two zero bytes, a type
//! byte, the number of dimensions, each dimension as a big-endian u32, then
//! the numbers, big-endian, row by row.
//!
//! As a lesson value: one dimension (labels) is a 1×n row; two are a matrix;
//! three or more (n images of h×w) are samples as columns, (h·w)×n, each
//! image flattened row by row, as the generated digits are.

use crate::engine::{MAX_ELEMENTS, Tensor};

/// What the file held.
#[derive(Debug, Clone, PartialEq)]
pub struct Idx {
    pub data: Tensor,
    /// One dimension of unsigned bytes: class labels.
    pub labels: bool,
    /// The dimensions as the header gives them.
    pub dims: Vec<usize>,
}

/// Reads one element from its big-endian bytes.
type Reader = fn(&[u8]) -> f64;

/// Size in bytes, name and reader of each IDX element type.
fn element(kind: u8) -> Option<(usize, &'static str, Reader)> {
    Some(match kind {
        0x08 => (1, "unsigned byte", |b| b[0] as f64),
        0x09 => (1, "signed byte", |b| b[0] as i8 as f64),
        0x0B => (2, "short", |b| i16::from_be_bytes([b[0], b[1]]) as f64),
        0x0C => (4, "int", |b| {
            i32::from_be_bytes([b[0], b[1], b[2], b[3]]) as f64
        }),
        0x0D => (4, "float", |b| {
            f32::from_be_bytes([b[0], b[1], b[2], b[3]]) as f64
        }),
        0x0E => (8, "double", |b| {
            f64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
        }),
        _ => return None,
    })
}

/// What an IDX header says.
struct Header {
    size: usize,
    kind: &'static str,
    read: Reader,
    type_byte: u8,
    dims: Vec<usize>,
    /// The header's own length, and the file's whole length by it.
    len: usize,
    want: u64,
}

/// Reads the header at the start of `bytes`; errors say what is wrong and
/// at which byte.
fn header(bytes: &[u8]) -> Result<Header, String> {
    if bytes.len() < 4 {
        return Err(format!(
            "the file is {} bytes, too short for an IDX header (4 bytes, then 4 per dimension)",
            bytes.len()
        ));
    }
    if bytes[0] != 0 || bytes[1] != 0 {
        return Err(format!(
            "not an IDX file: it must start with two zero bytes, not {:02x} {:02x} (a compressed .gz file must be unpacked first)",
            bytes[0], bytes[1]
        ));
    }
    let Some((size, kind, read)) = element(bytes[2]) else {
        return Err(format!(
            "byte 3: unknown IDX element type 0x{:02X} (known: 0x08 unsigned byte, 0x09 signed byte, 0x0B short, 0x0C int, 0x0D float, 0x0E double)",
            bytes[2]
        ));
    };
    let rank = bytes[3] as usize;
    if rank == 0 {
        return Err("byte 4: the file has 0 dimensions".into());
    }
    let len = 4 + 4 * rank;
    if bytes.len() < len {
        return Err(format!(
            "the header is cut short: {rank} dimensions need {len} bytes, the file has {}",
            bytes.len()
        ));
    }
    let dims: Vec<usize> = (0..rank)
        .map(|k| {
            let at = 4 + 4 * k;
            u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize
        })
        .collect();
    let shown = dims
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join("×");
    if let Some(k) = dims.iter().position(|&d| d == 0) {
        return Err(format!(
            "dimension {} of {shown} is 0: the file holds no numbers",
            k + 1
        ));
    }
    let count = dims
        .iter()
        .try_fold(1usize, |n, &d| n.checked_mul(d))
        .filter(|&n| n <= MAX_ELEMENTS)
        .ok_or_else(|| {
            format!("the file holds {shown} numbers, more than the limit of {MAX_ELEMENTS}")
        })?;
    Ok(Header {
        size,
        kind,
        read,
        type_byte: bytes[2],
        dims,
        len,
        want: (len + count * size) as u64,
    })
}

impl Header {
    /// Whether a file of `len` bytes is as long as the header says.
    fn check_len(&self, len: u64) -> Result<(), String> {
        let shown = self
            .dims
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join("×");
        let (kind, want) = (self.kind, self.want);
        if len < want {
            return Err(format!(
                "the file is cut short: its header says {shown} {kind}s ({want} bytes with the header), but it has {len} bytes"
            ));
        }
        if len > want {
            return Err(format!(
                "the file is longer than its header says: {shown} {kind}s end at byte {want}, but it has {len} bytes (a different file's header?)"
            ));
        }
        Ok(())
    }

    /// The numbers after the header, as the lesson's value.
    fn decode(self, numbers: &[u8]) -> Idx {
        let values: Vec<f64> = numbers.chunks_exact(self.size).map(self.read).collect();
        let data = match self.dims.as_slice() {
            [n] => Tensor::from_row_slice(1, *n, &values),
            [r, c] => Tensor::from_row_slice(*r, *c, &values),
            [n, rest @ ..] => {
                let per: usize = rest.iter().product();
                // Item k's numbers are values[k·per .. (k+1)·per]: column k.
                Tensor::from_column_slice(per, *n, &values)
            }
            [] => Tensor::zeros(0, 0),
        };
        Idx {
            data,
            labels: self.dims.len() == 1 && self.type_byte == 0x08,
            dims: self.dims,
        }
    }
}

/// Reads an IDX file's bytes; errors say what is wrong and at which byte.
pub fn parse(bytes: &[u8]) -> Result<Idx, String> {
    let h = header(bytes)?;
    h.check_len(bytes.len() as u64)?;
    let start = h.len;
    Ok(h.decode(&bytes[start..]))
}

/// Reads an IDX file from disk: its header first, and the rest only if the
/// file is as long as the header says (a 3 GB file is refused by its size,
/// not read whole), and only from a regular file.
pub fn read(path: &std::path::Path) -> Result<Idx, String> {
    use std::io::Read;
    let (mut file, len) = crate::lesson::files::open_regular(path)?;
    let mut head = vec![0u8; 4];
    let got = read_up_to(&mut file, &mut head)?;
    head.truncate(got);
    if got == 4 {
        let mut dims = vec![0u8; 4 * head[3] as usize];
        let got = read_up_to(&mut file, &mut dims)?;
        head.extend_from_slice(&dims[..got]);
    }
    let h = header(&head)?;
    h.check_len(len)?;
    let mut numbers = Vec::with_capacity((h.want as usize).saturating_sub(h.len));
    file.take(h.want - h.len as u64)
        .read_to_end(&mut numbers)
        .map_err(|e| e.to_string())?;
    if (numbers.len() + h.len) as u64 != h.want {
        return Err("the file changed while it was read".into());
    }
    Ok(h.decode(&numbers))
}

/// Fills `buf` as far as the file goes; the count read.
fn read_up_to(file: &mut std::fs::File, buf: &mut [u8]) -> Result<usize, String> {
    use std::io::Read;
    let mut got = 0;
    while got < buf.len() {
        match file.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(got)
}

/// An IDX file of unsigned bytes with the given dimensions (for tests and
/// for lessons that want to write one).
pub fn write_u8(dims: &[u32], values: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 0, 0x08, dims.len() as u8];
    for d in dims {
        out.extend_from_slice(&d.to_be_bytes());
    }
    out.extend_from_slice(values);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_become_columns_and_labels_a_row() {
        // Two 2×3 images: 0..6 and 10..16, row by row.
        let values: Vec<u8> = (0..6).chain(10..16).collect();
        let idx = parse(&write_u8(&[2, 2, 3], &values)).unwrap();
        assert_eq!(idx.dims, vec![2, 2, 3]);
        assert_eq!(idx.data.shape(), (6, 2));
        assert_eq!(idx.data[(4, 0)], 4.0);
        assert_eq!(idx.data[(0, 1)], 10.0);
        assert!(!idx.labels);
        let labels = parse(&write_u8(&[3], &[7, 0, 9])).unwrap();
        assert_eq!(labels.data, Tensor::from_row_slice(1, 3, &[7.0, 0.0, 9.0]));
        assert!(labels.labels);
    }

    #[test]
    fn other_element_types_are_big_endian() {
        let mut doubles = vec![0, 0, 0x0E, 1, 0, 0, 0, 2];
        doubles.extend_from_slice(&(-1.5f64).to_be_bytes());
        doubles.extend_from_slice(&(0.25f64).to_be_bytes());
        let idx = parse(&doubles).unwrap();
        assert_eq!(idx.data, Tensor::from_row_slice(1, 2, &[-1.5, 0.25]));
        let shorts = [0, 0, 0x0B, 1, 0, 0, 0, 1, 0xFF, 0xFE];
        assert_eq!(parse(&shorts).unwrap().data[(0, 0)], -2.0);
    }

    #[test]
    fn broken_files_say_what_is_wrong() {
        let whole = write_u8(&[2, 2, 2], &[1; 8]);
        let err = parse(&whole[..10]).unwrap_err();
        assert!(err.contains("header is cut short"), "{err}");
        let err = parse(&whole[..20]).unwrap_err();
        assert_eq!(
            err,
            "the file is cut short: its header says 2×2×2 unsigned bytes (24 bytes with the header), but it has 20 bytes"
        );
        let mut longer = whole.clone();
        longer.push(0);
        assert!(
            parse(&longer)
                .unwrap_err()
                .contains("longer than its header says")
        );
        assert!(parse(&[0x1f, 0x8b, 8, 0]).unwrap_err().contains("unpacked"));
        assert!(parse(&[0, 0, 0x42, 1]).unwrap_err().contains("0x42"));
        let huge = write_u8(&[60000, 1000, 1000], &[]);
        assert!(parse(&huge).unwrap_err().contains("more than the limit"));
    }
}
