//! One change of a plan as text, for the plan and for a migration's stages (`views::stages`).

use std::io::{self, Write};

use crate::plan::Change;
use crate::views::style;

/// One change: its head (`+ address  name (reason)`) and a line per field, each line after `indent`.
pub(crate) fn write_change(out: &mut dyn Write, change: &Change, indent: &str) -> io::Result<()> {
    let head = style::action(change.action);
    write!(out, "{indent}{head}{:>3} {}{head:#}  {}", change.action.symbol(), change.address, change.name)?;
    if let Some(reason) = &change.reason {
        write!(out, "  ({reason})")?;
    }
    writeln!(out)?;
    for field in &change.fields {
        writeln!(out, "{indent}        {field}")?;
    }
    Ok(())
}
