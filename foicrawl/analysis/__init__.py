"""Reading what councils published: request questions and their answers, round-robin grouping,
timeliness, exemptions, word-level differences. Pure functions over text and dates (no database,
no I/O), so they are tested on the seed texts and the replica's ground truth."""
