//! Sizes and counts as people read them, the same in every message: `10 MiB`, `1.5 KiB`,
//! `12 B`; `1 platform`, `5 platforms`.

/// `bytes` in the largest binary unit it reaches: a whole number when it divides evenly
/// (limits and caps are usually round), otherwise one decimal.
pub fn size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 4] = [
        (1 << 40, "TiB"),
        (1 << 30, "GiB"),
        (1 << 20, "MiB"),
        (1 << 10, "KiB"),
    ];
    for (unit, name) in UNITS {
        if bytes < unit {
            continue;
        }
        if bytes.is_multiple_of(unit) {
            return format!("{} {name}", bytes / unit);
        }
        #[allow(clippy::cast_precision_loss, reason = "one decimal for a person")]
        let value = bytes as f64 / unit as f64;
        return format!("{value:.1} {name}");
    }
    format!("{bytes} B")
}

/// `n` of `noun` (a noun made plural with `s`): `1 tool`, `3 tools`, `0 tools`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::{count, size};

    #[test]
    fn counts_take_the_plural_except_for_one() {
        assert_eq!(count(1, "platform"), "1 platform");
        assert_eq!(count(5, "platform"), "5 platforms");
        assert_eq!(count(0, "tool"), "0 tools");
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(size(0), "0 B");
        assert_eq!(size(12), "12 B");
        assert_eq!(size(1000), "1000 B");
        assert_eq!(size(1024), "1 KiB");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(3 << 20), "3 MiB");
        assert_eq!(size((12 << 20) + (300 << 10)), "12.3 MiB");
        assert_eq!(size(4 << 30), "4 GiB");
        assert_eq!(size(2 << 40), "2 TiB");
    }
}
