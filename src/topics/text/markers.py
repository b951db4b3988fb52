"""A news page's furniture that cleaning (:mod:`topics.text.cleaning`) recognises by its words.

* The headings that open a list of links to other articles: cleaning drops such a heading and the
  list after it (the headlines and teasers of other articles are not the article, and their
  subjects would become its subject). A heading is matched as the whole line, or as the line's
  start before a colon, in any case.
* A cookie banner and its buttons, the lead's marker or dateline, a read-more button.
"""

from __future__ import annotations

import re

__all__ = ["BANNER_BUTTON", "LEAD_MARKER", "READ_MORE", "READ_MORE_ENDS", "RELATED_MARKERS",
           "is_cookie_banner"]

#: Lines that open a list of links to other articles (lower case; the whole line, or the line's
#: start before a colon): what follows them is not the article.
RELATED_MARKERS = (
    "mehr zum thema",
    "weiteres",
    "verwandte nachrichten",
    "verwandte artikel",
    "verwandte beiträge",
    "verwandte themen",
    "ähnliche nachrichten",
    "ähnliche artikel",
    "ähnliche beiträge",
    "weitere nachrichten",
    "weitere artikel",
    "weitere beiträge",
    "weitere meldungen",
    "andere nachrichten",
    "neueste nachrichten",
    "aktuelle nachrichten",
    "top-nachrichten",
    "meistgelesen",
    "meistgelesene artikel",
    "empfohlene artikel",
    "lesen sie auch",
    "lesen sie mehr",
    "auch interessant",
    "das könnte sie auch interessieren",
    "das könnte sie interessieren",
    "siehe auch",
    "mehr dazu",
    "schlagwörter",
    "schlagworte",
    "stichwörter",
    "tags",
    # vietnam.vn's sections after an article ("Cùng chủ đề", "Cùng chuyên mục", "Cùng tác giả")
    # and other sites' headings of the same kind
    "gleiches thema",
    "zum gleichen thema",
    "zum selben thema",
    "gleiche kategorie",
    "aus der gleichen kategorie",
    "aus derselben kategorie",
    "gleiche rubrik",
    "mehr aus der rubrik",
    "mehr aus dieser rubrik",
    "gleicher autor",
    "vom selben autor",
    "vom gleichen autor",
    "desselben autors",
    "weitere themen",
    "ähnliche themen",
    "passend zum thema",
    "auch lesenswert",
    "zum weiterlesen",
    "empfehlungen der redaktion",
    "beliebte artikel",
    "meistgelesene nachrichten",
    # The same headings in English and Vietnamese: the German editions of Vietnamese sites keep
    # parts of their English or Vietnamese page around the article (vietnam.vn's "Cùng chủ đề").
    # Not "read more" / "xem thêm" / "đọc thêm": such a button may stand inside the article.
    "related news",
    "related articles",
    "related posts",
    "related stories",
    "more news",
    "latest news",
    "most read",
    "most popular",
    "see also",
    "you may also like",
    "tin liên quan",
    "bài liên quan",
    "tin khác",
    "tin cùng chuyên mục",
    "cùng chủ đề",
    "cùng chuyên mục",
    "cùng tác giả",
    "tin mới nhất",
    "tin đọc nhiều",
    "đọc nhiều nhất",
    "từ khóa",
)

# A cookie banner is the site speaking to its reader about cookies (German or English: some German
# editions keep the English banner): "Wir verwenden Cookies ... stimmen Sie ... zu". News about
# cookie rules ("ob Websites Cookies ohne Einwilligung setzen") has neither voice: it stays.
_COOKIES = re.compile(r"\bcookies?\b|\bcookie-", re.IGNORECASE)
_SITE = re.compile(r"\b(?:wir|we|unser\w*|our|diese\s+(?:website|webseite|seite)|"
                   r"this\s+(?:website|site))\b", re.IGNORECASE)
_READER = re.compile(r"\b(?:Sie|Ihnen|Ihr\w*|you|your)\b")  # polite German forms: capitalised
_BANNER_MAX_WORDS = 80
#: The buttons under a cookie banner (a whole line).
BANNER_BUTTON = re.compile(
    r"^(?:alle\s+|all\s+)?(?:akzeptieren|annehmen|ablehnen|zustimmen|einstellungen|verstanden|"
    r"einverstanden|ok|okay|mehr erfahren|nur notwendige(?:\s+cookies)?|cookie-einstellungen|"
    r"accept|reject|decline|settings|got it|agree|cookies)(?:\s+(?:akzeptieren|ablehnen))?$",
    re.IGNORECASE,
)


def is_cookie_banner(line: str) -> bool:
    """Whether ``line`` is a cookie banner: cookies, the site's voice and the reader's, at most
    80 words (looked for only where "ookie" occurs: a regular expression per line cost 20 % of
    cleaning)."""
    return (
        ("ookie" in line or "OOKIE" in line) and _COOKIES.search(line) is not None
        and _SITE.search(line) is not None and _READER.search(line) is not None
        and len(line.split(maxsplit=_BANNER_MAX_WORDS)) <= _BANNER_MAX_WORDS
    )


#: What opens a lead and is not its text: VOV's ``(VOVWORLD) - `` and a news agency's dateline
#: (``Hanoi (VNA) - ``, ``Ho-Chi-Minh-Stadt (VNA) – ``, ``Wien (APA) - ``): up to four capitalised
#: words of a place, a known agency in brackets, a dash. A known agency only: "Die Vereinten
#: Nationen (UN) - die ..." is a sentence.
LEAD_MARKER = re.compile(
    r"^(?:\(VOVWORLD\)|(?:[A-ZÄÖÜ][\w.'-]*\s){1,4}\((?:VNA|TTXVN|VOV|VNS|APA|dpa|DPA|AFP|"
    r"Reuters|AP|KNA|epd|SDA|Xinhua)\))\s*[-–—]\s*"
)

#: A read-more button after a line's last sentence ("... vereinbart. Weiterlesen »"): left there,
#: the line ends in no sentence and, short, is read as a headline (and not classified).
READ_MORE = re.compile(
    r"(?<=[.!?\"“”»)])\s+(?:mehr(?:\s+(?:lesen|dazu|erfahren))?|weiterlesen|read more|xem thêm|"
    r"đọc thêm)\s*[»›>…\"']*$", re.IGNORECASE,  # (normalised, » and › are " and ')
)
#: The endings a line with such a button has (a cheap test before the regular expression).
READ_MORE_ENDS = ("mehr", "Mehr", "MEHR", "lesen", "Lesen", "weiterlesen", "Weiterlesen", "dazu",
                  "erfahren", "more", "More", "thêm", "»", "›", ">", "…", '"', "'")
