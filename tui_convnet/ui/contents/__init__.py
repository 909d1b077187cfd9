"""The contents screen: every example and lesson in one numbered list, to open one."""
