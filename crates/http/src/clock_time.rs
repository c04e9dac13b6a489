//! Times of day in requests and responses: `"HH:MM"`, 24-hour, `"24:00"` for the end
//! of the day. Parsed exactly as the OpenAPI pattern says.

use crate::error::ApiError;

/// Minutes from midnight of `"HH:MM"`.
pub fn parse(field: &str, raw: &str) -> Result<u16, ApiError> {
    let invalid = || ApiError::invalid_field(field, "invalid_time", "must be a time of day as HH:MM (00:00 to 24:00)");
    let bytes = raw.as_bytes();
    if bytes.len() != 5 || bytes[2] != b':' || !bytes.iter().enumerate().all(|(i, b)| i == 2 || b.is_ascii_digit()) {
        return Err(invalid());
    }
    let hours = u16::from(bytes[0] - b'0') * 10 + u16::from(bytes[1] - b'0');
    let minutes = u16::from(bytes[3] - b'0') * 10 + u16::from(bytes[4] - b'0');
    match (hours, minutes) {
        (24, 0) => Ok(1440),
        (0..=23, 0..=59) => Ok(hours * 60 + minutes),
        _ => Err(invalid()),
    }
}

/// `"HH:MM"` of minutes from midnight.
#[must_use]
pub fn format(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_day_round_trip() {
        assert_eq!(parse("t", "09:30").ok(), Some(570));
        assert_eq!(parse("t", "24:00").ok(), Some(1440));
        assert_eq!(format(570), "09:30");
        for bad in ["9:30", "24:01", "12:60", "ab:cd", "12-30", "", "123:00"] {
            assert!(parse("t", bad).is_err(), "{bad}");
        }
    }
}
