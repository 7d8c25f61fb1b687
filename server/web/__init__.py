"""HTTP plumbing shared by the API and the console: sessions, sign-in, guards, errors."""
