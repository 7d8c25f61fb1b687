"""The service desk's intake: requests taken on the phone, complaints and enquiries."""
