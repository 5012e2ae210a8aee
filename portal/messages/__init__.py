"""Conversations between a child (or their carer or advocate) and the child's ISRO."""
