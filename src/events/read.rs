//! Reading the event log: every page of a time window, then (`--follow`) new events as they
//! arrive, each once. Records come out oldest first within a page; FilterLogEvents pages
//! through the window in time order.

use std::collections::HashSet;
use std::time::Duration;

use super::filter::EventFilter;
use super::record::EventRecord;
use crate::aws::AwsResult;
use crate::aws::logs::{LogQuery, Logs};

/// How often `--follow` asks for new events (FilterLogEvents is paced anyway).
pub const FOLLOW_INTERVAL: Duration = Duration::from_secs(2);

/// A reader of one log group that remembers what it has handed out, so following never
/// repeats an event.
pub struct Reader<'a> {
    logs: &'a Logs,
    query: LogQuery,
    filter: EventFilter,
    /// The newest timestamp seen and the ids of the events at it: the next read starts there.
    newest: i64,
    seen_at_newest: HashSet<String>,
    /// Pages read, for `-v` and tests of paging.
    pub pages: u64,
}

impl<'a> Reader<'a> {
    pub fn new(logs: &'a Logs, group: &str, since_ms: i64, filter: EventFilter) -> Reader<'a> {
        Reader {
            logs,
            query: LogQuery {
                group: group.to_string(),
                start_ms: Some(since_ms),
                end_ms: None,
                pattern: filter.pattern(),
                page_size: None,
            },
            filter,
            newest: since_ms,
            seen_at_newest: HashSet::new(),
            pages: 0,
        }
    }

    /// Events per FilterLogEvents page (default: the service's, up to 10,000).
    pub fn page_size(mut self, size: Option<i32>) -> Self {
        self.query.page_size = size;
        self
    }

    /// Reads from where the last read ended to now, page by page, handing each page's matching
    /// records (oldest first) to `each`.
    pub async fn read_new(&mut self, mut each: impl FnMut(Vec<EventRecord>)) -> AwsResult<()> {
        self.query.start_ms = Some(self.newest);
        let mut token = None;
        let (mut newest, mut seen) = (self.newest, self.seen_at_newest.clone());
        loop {
            let page = self.logs.filter_page(&self.query, token).await?;
            self.pages += 1;
            let mut events = page.events;
            events.sort_by_key(|e| e.timestamp);
            let mut records = Vec::new();
            for event in events {
                if event.timestamp < self.newest
                    || (event.timestamp == self.newest && self.seen_at_newest.contains(&event.id))
                {
                    continue;
                }
                if event.timestamp > newest {
                    newest = event.timestamp;
                    seen.clear();
                }
                if event.timestamp == newest {
                    seen.insert(event.id.clone());
                }
                if let Some(record) = EventRecord::parse(&event.message)
                    && self.filter.matches(&record)
                {
                    records.push(record);
                }
            }
            if !records.is_empty() {
                each(records);
            }
            match page.next_token {
                Some(next) => token = Some(next),
                None => break,
            }
        }
        self.newest = newest;
        self.seen_at_newest = seen;
        Ok(())
    }

    /// Every matching record of the window, oldest first.
    pub async fn read_all(&mut self) -> AwsResult<Vec<EventRecord>> {
        let mut all = Vec::new();
        self.read_new(|records| all.extend(records)).await?;
        Ok(all)
    }
}
