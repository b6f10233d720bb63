"""Tests of the First Order Motion Model package."""
