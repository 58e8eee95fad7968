"""Pictures of the warehouse: a value on the page it came from (`show`), an index over the
years (`plot`), and a one-page HTML report of runs, documents, flags and the review queue
(`report`). Everything here only reads the warehouse."""
