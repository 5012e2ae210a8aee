"""The ISRO workspace: caseload, a child's timeline, contacts and visits, challenges."""
