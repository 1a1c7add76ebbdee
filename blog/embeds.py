"""Embedded videos: YouTube and Vimeo only, YouTube through its
privacy-enhanced domain.

The Content-Security-Policy (settings) lets frames come from
www.youtube-nocookie.com and player.vimeo.com and nothing else, so the embed
finder offers editors exactly those two providers (any other URL is refused
in the editor instead of showing an empty frame to readers), and rewrites
YouTube's player address to the domain that sets no cookie before playback.
Every frame gets a title for screen readers."""

from __future__ import annotations

import re

from django.utils.html import escape
from wagtail.embeds.finders.oembed import OEmbedFinder
from wagtail.embeds.oembed_providers import vimeo, youtube

YOUTUBE_PLAYER = re.compile(r"https?://(?:www\.)?youtube\.com/embed/")
PRIVACY_ENHANCED_PLAYER = "https://www.youtube-nocookie.com/embed/"


class VideoEmbedFinder(OEmbedFinder):
    def __init__(self, providers=None, options=None):
        super().__init__(providers=providers or [youtube, vimeo], options=options)

    def find_embed(self, url, max_width=None, max_height=None):
        result = super().find_embed(url, max_width=max_width, max_height=max_height)
        result["html"] = privacy_enhanced(result.get("html") or "", title=result.get("title") or "")
        return result


def privacy_enhanced(html: str, *, title: str = "") -> str:
    html = YOUTUBE_PLAYER.sub(PRIVACY_ENHANCED_PLAYER, html)
    if "<iframe" in html and " title=" not in html:
        html = html.replace("<iframe", f'<iframe title="{escape(title or "Video")}"', 1)
    return html


embed_finder_class = VideoEmbedFinder
