//! Text normalisation shared by the writer (what goes into the index) and the
//! search (how a query is read), so both sides fold text the same way.

/// Separates the fields of a contact's `hay` (see [`Hay`]).
pub(crate) const FIELD_SEP: char = '\u{1}';
/// Separates two tags inside the tags field of `hay`.
pub(crate) const TAG_SEP: char = '\u{2}';
/// Put in a contact's name words after the display name's own words, so
/// FTS5's "column starts with" (`^`) means "display name starts with". A
/// letter (the tokenizer keeps it as a word) that nobody types.
pub(crate) const NAME_SEP: &str = "ǂ";
/// Phone substrings shorter than this match too much to be useful.
pub(crate) const MIN_PHONE_DIGITS: usize = 3;

/// Lower case with Latin diacritics removed ("José" → "jose"), the folding
/// FTS5's `remove_diacritics 2` applies to the index, done here too so sort
/// keys and the in-process matcher agree with it.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        for l in c.to_lowercase() {
            match fold_char(l) {
                Folded::One(f) => out.push(f),
                Folded::Two(a, b) => {
                    out.push(a);
                    out.push(b);
                }
            }
        }
    }
    out
}

enum Folded {
    One(char),
    Two(char, char),
}

fn fold_char(c: char) -> Folded {
    use Folded::{One, Two};
    if c.is_ascii() {
        return One(c);
    }
    One(match c {
        'à'..='å' | 'ā' | 'ă' | 'ą' | 'ǎ' | 'ạ' | 'ả' | 'ấ' | 'ầ' | 'ậ' => 'a',
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => 'c',
        'ď' | 'đ' | 'ð' => 'd',
        'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' | 'ẹ' | 'ẻ' | 'ẽ' | 'ế' | 'ề' | 'ệ' => {
            'e'
        }
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => 'g',
        'ĥ' | 'ħ' => 'h',
        'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ǐ' | 'ị' => 'i',
        'ĵ' => 'j',
        'ķ' => 'k',
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => 'l',
        'ñ' | 'ń' | 'ņ' | 'ň' => 'n',
        'ò'..='ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ǒ' | 'ọ' | 'ố' | 'ồ' | 'ộ' | 'ơ' => {
            'o'
        }
        'ŕ' | 'ŗ' | 'ř' => 'r',
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => 's',
        'ţ' | 'ť' | 'ŧ' | 'ț' => 't',
        'ù'..='ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ǔ' | 'ụ' | 'ư' => 'u',
        'ŵ' => 'w',
        'ý' | 'ÿ' | 'ŷ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        'ß' => return Two('s', 's'),
        'æ' => return Two('a', 'e'),
        'œ' => return Two('o', 'e'),
        'þ' => return Two('t', 'h'),
        other => other,
    })
}

/// Folded words: runs of alphanumeric characters, as FTS5's `unicode61`
/// tokenizer splits them.
pub fn tokens(s: &str) -> Vec<String> {
    fold(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The ASCII digits of `s`, in order.
pub fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The folded words joined by single spaces: the name sort key, and the form
/// a query takes for "name starts with" (so "Ann-Marie" sorts and matches as
/// "ann marie", the way FTS5 sees it).
pub fn sort_key(s: &str) -> String {
    tokens(s).join(" ")
}

/// The smallest string greater than every string starting with `prefix`
/// (byte order, as SQLite's BINARY collation compares).
pub(crate) fn prefix_end(prefix: &str) -> String {
    let mut end = prefix.to_owned();
    end.push(char::MAX);
    end
}

/// Searchable fields of one contact, already folded and tokenised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Hay {
    pub name: Vec<String>,
    pub email: Vec<String>,
    pub company: Vec<String>,
    pub tags: Vec<Vec<String>>,
    pub phone_digits: String,
}

impl Hay {
    /// The compact form stored in `contacts.hay` (and the `contacts_by_name`
    /// index, so the matcher never has to read the row itself).
    pub fn encode(&self) -> String {
        let tags = self
            .tags
            .iter()
            .map(|t| t.join(" "))
            .collect::<Vec<_>>()
            .join(&TAG_SEP.to_string());
        [
            self.name.join(" "),
            self.email.join(" "),
            self.company.join(" "),
            tags,
            self.phone_digits.clone(),
        ]
        .join(&FIELD_SEP.to_string())
    }
}

/// A borrowed view of an encoded hay, for the matcher (no allocation per row).
pub(crate) struct HayView<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub company: &'a str,
    pub tags: &'a str,
    pub phone_digits: &'a str,
}

impl<'a> HayView<'a> {
    pub fn parse(encoded: &'a str) -> HayView<'a> {
        let mut parts = encoded.split(FIELD_SEP);
        let mut next = || parts.next().unwrap_or("");
        HayView {
            name: next(),
            email: next(),
            company: next(),
            tags: next(),
            phone_digits: next(),
        }
    }

    /// The `email_tags` column of `contacts_fts` (`name` and `company` are
    /// the fields as they are). Derived from the stored hay both when a row
    /// is indexed and when it is removed, so the two always agree.
    pub fn fts_email_tags(&self) -> String {
        let mut out = String::with_capacity(self.email.len() + self.tags.len() + 1);
        out.push_str(self.email);
        if !self.tags.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.extend(
                self.tags
                    .chars()
                    .map(|c| if c == TAG_SEP { ' ' } else { c }),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_accents() {
        assert_eq!(fold("José Ñúñez"), "jose nunez");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("ÅNGSTRÖM"), "angstrom");
        assert_eq!(fold("Łukasz Żak"), "lukasz zak");
    }

    #[test]
    fn tokens_split_on_punctuation() {
        assert_eq!(tokens("Ann-Marie O'Brien"), ["ann", "marie", "o", "brien"]);
        assert_eq!(
            tokens("ann.lee+x@Example.com"),
            ["ann", "lee", "x", "example", "com"]
        );
        assert!(tokens("  -- ").is_empty());
    }

    #[test]
    fn digits_keep_only_ascii_digits() {
        assert_eq!(digits("+1 (555) 010-0123"), "15550100123");
        assert_eq!(digits("abc"), "");
    }

    #[test]
    fn sort_key_collapses_whitespace() {
        assert_eq!(sort_key("  Ann   Lée "), "ann lee");
        assert_eq!(sort_key("Ann-Marie O'Brien"), "ann marie o brien");
    }

    #[test]
    fn prefix_end_bounds_the_prefix() {
        let end = prefix_end("ann");
        assert!("ann" < end.as_str());
        assert!("annzzzz\u{ffff}" < end.as_str());
        assert!("ano" > end.as_str());
    }

    #[test]
    fn hay_round_trips_and_builds_phone_suffixes() {
        let hay = Hay {
            name: vec!["ann".into(), "lee".into()],
            email: vec!["ann".into(), "example".into(), "com".into()],
            company: vec!["acme".into()],
            tags: vec![vec!["vip".into()], vec!["new".into(), "lead".into()]],
            phone_digits: "15550123".into(),
        };
        let encoded = hay.encode();
        let view = HayView::parse(&encoded);
        assert_eq!(view.name, "ann lee");
        assert_eq!(view.email, "ann example com");
        assert_eq!(view.company, "acme");
        assert_eq!(view.tags, "vip\u{2}new lead");
        assert_eq!(view.phone_digits, "15550123");
        assert_eq!(view.fts_email_tags(), "ann example com vip new lead");
        assert_eq!(
            HayView::parse("x\u{1}\u{1}\u{1}\u{1}5").fts_email_tags(),
            ""
        );
    }
}
