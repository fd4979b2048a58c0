"""What is specific to a plan or a territory: its words, heading forms and thresholds.

The lowest layer with pgt's vocabulary: readers (extract/), the structure builder and the
normalizers all read it; it imports none of them.
"""
