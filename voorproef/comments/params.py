"""The words of the discussion's addresses that more than one module reads."""

# ?reactie=…: the author's key, which shows a held comment to its author and opens the edit.
AUTHOR_KEY_PARAM = "reactie"
# ?antwoord=…: the comment a reader replies to, without JavaScript.
REPLY_TO_PARAM = "antwoord"
