//! "Did you mean": the name nearest to one that matched nothing, and the candidates listed when there are few.

/// At most this many candidates are listed in full.
pub const LISTED: usize = 10;

/// The candidate nearest to `wanted` (case-insensitive edits), when it is near enough to be a typo: at most a
/// third of the longer name's letters, and at least one, differ.
pub fn nearest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    candidates
        .into_iter()
        .filter(|candidate| *candidate != wanted)
        .map(|candidate| (distance(&wanted_lower, &candidate.to_lowercase()), candidate))
        .filter(|(distance, candidate)| *distance <= (wanted.chars().count().max(candidate.chars().count()) / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// `"a", "b", "c"` when there are at most `LISTED` names, else `None`.
pub fn listed(names: &[String]) -> Option<String> {
    (names.len() <= LISTED).then(|| names.iter().map(|name| format!("\"{name}\"")).collect::<Vec<_>>().join(", "))
}

/// Edits between two names, in characters: insertions, deletions, substitutions, and two neighbours swapped
/// (`mian` is one edit from `main`), the optimal string alignment distance.
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut rows = vec![vec![0; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j - 1] + cost).min(rows[i - 1][j] + 1).min(rows[i][j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_finds_its_name_and_a_different_name_finds_none() {
        let keys = ["security_group", "service", "port"];
        assert_eq!(nearest("security_grup", keys), Some("security_group"));
        assert_eq!(nearest("Prot", keys), Some("port"));
        assert_eq!(nearest("mian", ["main", "staging"]), Some("main"));
        assert_eq!(nearest("callers", keys), None);
    }

    #[test]
    fn few_names_are_listed_and_many_are_not() {
        assert_eq!(listed(&["a".into(), "b".into()]).as_deref(), Some("\"a\", \"b\""));
        assert_eq!(listed(&(0..11).map(|n| n.to_string()).collect::<Vec<_>>()), None);
    }
}
