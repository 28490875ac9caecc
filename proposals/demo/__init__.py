"""Demo data, dated relative to today and made through the services, as a year's work makes it.

`demo_proposals_ensure` (`seven.py`) adds seven small proposals (901–907), one per handling
state, that the browser tests rely on. `demo_session_advance` (`session.py`) takes a session's
imported proposals (the sample 立案名单) through the year: bureaus reply with letters drawn from
fixtures/demo_letters, ask for extensions and returns; members rate the replies; clerks review,
grade, publish and close.
"""
