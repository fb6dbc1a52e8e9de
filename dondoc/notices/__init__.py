"""Reading leaders' notices (text, .docx, PDF) into tasks: structure, agencies and deadlines."""

# A task's recurrence when it has no deadline. Here rather than in `deadlines`, so that naming it does not
# compile the deadline patterns.
ONGOING = "ongoing"
