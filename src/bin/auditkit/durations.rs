//! Durations as people write them: `90s`, `5m`, `1h`, `30d`, `1h30m`.

use std::time::Duration;

/// `90s`, `5m`, `1h`, `30d`, `1h30m` (a bare number is seconds).
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("`{text}` is not a duration (e.g. 90s, 5m, 1h, 30d, 1h30m)");
    let text_trimmed = text.trim();
    if text_trimmed.is_empty() {
        return Err(bad());
    }
    if let Ok(seconds) = text_trimmed.parse::<u64>() {
        return Ok(Duration::from_secs(seconds));
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    let mut chars = text_trimmed.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let mut unit = c.to_string();
        while let Some(next) = chars.peek().filter(|next| next.is_ascii_alphabetic()) {
            unit.push(*next);
            chars.next();
        }
        let scale = match unit.as_str() {
            "ms" => 0,
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            "w" => 7 * 86_400,
            _ => return Err(bad()),
        };
        let value: u64 = number.parse().map_err(|_| bad())?;
        number.clear();
        // Milliseconds below a second round up: a duration never becomes 0 by accident.
        let seconds = if scale == 0 {
            value.div_ceil(1000)
        } else {
            value.checked_mul(scale).ok_or_else(bad)?
        };
        total = total.checked_add(seconds).ok_or_else(bad)?;
    }
    if !number.is_empty() {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_and_nonsense_is_refused() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("30d"), Ok(Duration::from_secs(30 * 86_400)));
        assert_eq!(parse_duration("15"), Ok(Duration::from_secs(15)));
        for bad in ["", "5 minutes", "m", "5x", "1h3"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
