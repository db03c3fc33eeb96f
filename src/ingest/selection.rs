//! Choosing person-periods by period and unit: the one home of "the latest
//! period" and of the `--period` / `--unit` filters every command applies.

use super::Dataset;
use crate::error::{KsaError, Result};
use crate::suggest::{did_you_mean, Known};

impl Dataset {
    /// The periods of the data, each once, in code-point order (so `2026H1`
    /// comes after `2025H2`).
    pub fn periods(&self) -> Vec<&str> {
        let mut p: Vec<&str> = self.people.iter().map(|x| x.period.as_str()).collect();
        p.sort_unstable();
        p.dedup();
        p
    }

    /// The latest period; empty when there is none (no people, or no
    /// period column).
    pub fn latest_period(&self) -> &str {
        self.periods().last().copied().unwrap_or("")
    }

    /// `wanted` (trimmed) when it is a period of the data; else an error
    /// for `flag` naming the periods there are.
    pub fn period_named(&self, flag: &str, wanted: &str) -> Result<String> {
        let w = wanted.trim();
        let all = self.periods();
        if all.contains(&w) {
            return Ok(w.to_string());
        }
        Err(KsaError::invalid(format!(
            "{flag}: \"{w}\" is not a period of the data (periods: {}){}",
            list(&all),
            near(w, &all)
        )))
    }

    /// `--period` when given (it must exist), else the latest period:
    /// team reports and team plans describe one period at a time.
    pub fn period_or_latest(&self, wanted: Option<&str>) -> Result<String> {
        match wanted {
            Some(w) => self.period_named("--period", w),
            None => Ok(self.latest_period().to_string()),
        }
    }

    /// Whether person-period `pp` passes the filters that are given.
    pub fn matches(
        &self,
        pp: usize,
        period: Option<&str>,
        unit: Option<&str>,
        person: Option<&str>,
    ) -> bool {
        let p = &self.people[pp];
        period.is_none_or(|x| p.period == x.trim())
            && unit.is_none_or(|u| p.unit.as_deref() == Some(u.trim()))
            && person.is_none_or(|x| p.person_id == x.trim())
    }

    /// Checks `--period`, `--unit` and `--person` of a command that
    /// selects person-periods with them: each given one must occur in the
    /// data (with the nearest values suggested when it does not), and
    /// together they must match someone.
    pub fn check_filters(
        &self,
        period: Option<&str>,
        unit: Option<&str>,
        person: Option<&str>,
    ) -> Result<()> {
        if let Some(p) = period {
            self.period_named("--period", p)?;
        }
        if let Some(u) = unit.map(str::trim) {
            if !self.people.iter().any(|p| p.unit.as_deref() == Some(u)) {
                let units = self.units(None);
                return Err(KsaError::invalid(format!(
                    "--unit: \"{u}\" is not a unit of the data (units: {}){}",
                    list(&units),
                    near(u, &units)
                )));
            }
        }
        if let Some(x) = person.map(str::trim) {
            if !self.people.iter().any(|p| p.person_id == x) {
                let mut ids: Vec<&str> = self.people.iter().map(|p| p.person_id.as_str()).collect();
                ids.sort_unstable();
                ids.dedup();
                let known: Vec<Known> = ids.iter().map(|p| Known::plain(p)).collect();
                let near = crate::suggest::closest(x, &known);
                return Err(KsaError::invalid(format!(
                    "--person: \"{x}\" is not a person of the data (nearest ids: {})",
                    list(&near)
                )));
            }
        }
        let any = (0..self.people.len()).any(|pp| self.matches(pp, period, unit, person));
        if !any
            && !self.people.is_empty()
            && (period.is_some() || unit.is_some() || person.is_some())
        {
            return Err(KsaError::invalid(
                "no person and period in the data matches --period, --unit and --person together",
            ));
        }
        Ok(())
    }

    /// The person-periods of `period`, of `unit` when given, in data order;
    /// an error naming the period's units when the unit has nobody in it.
    pub fn members(&self, period: &str, unit: Option<&str>) -> Result<Vec<usize>> {
        let members: Vec<usize> = (0..self.people.len())
            .filter(|&pp| self.matches(pp, Some(period), unit, None))
            .collect();
        if let (Some(u), true) = (unit, members.is_empty()) {
            let units = self.units(Some(period));
            return Err(KsaError::invalid(format!(
                "--unit: no one of unit \"{}\" in period \"{period}\" (units: {}){}",
                u.trim(),
                list(&units),
                near(u, &units)
            )));
        }
        Ok(members)
    }
}

impl Dataset {
    /// The units of the data (of `period` when given), each once, sorted.
    fn units(&self, period: Option<&str>) -> Vec<&str> {
        let mut units: Vec<&str> = self
            .people
            .iter()
            .filter(|p| period.is_none_or(|x| p.period == x))
            .filter_map(|p| p.unit.as_deref())
            .collect();
        units.sort_unstable();
        units.dedup();
        units
    }
}

/// "; did you mean …?" among plain values.
fn near(typed: &str, values: &[&str]) -> String {
    let known: Vec<Known> = values.iter().map(|v| Known::plain(v)).collect();
    did_you_mean(typed, &known)
}

fn list(items: &[&str]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}
