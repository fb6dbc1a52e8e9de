"""Reading leaders' notices (text, .docx, PDF) into tasks: structure, agencies and deadlines."""
