"""Access: the decision Home Assistant makes for a face, its policy, online mode, guest passes."""
