"""Image operations over networks and arrays, callable from the GUI, the CLI and tests.

Long operations are generators yielding `engine.jobs.Progress` and returning a result;
`engine.jobs.drive(op)` runs one to the end. Networks come in as arguments (a loaded
`checkpoints.Model`); no operation reads weights itself.
"""
