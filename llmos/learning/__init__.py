"""The learning layer: traces become plans; plans choose modes and drive FOLLOWER replays."""
