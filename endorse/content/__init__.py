"""The campaign's own words: its pages, FAQ and dossier, in three languages."""
