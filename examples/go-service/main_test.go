package main

import "testing"

func TestGreeting(t *testing.T) {
	cases := map[string]string{"": "hello, world", "gopher": "hello, gopher"}
	for in, want := range cases {
		if got := Greeting(in); got != want {
			t.Errorf("Greeting(%q) = %q, want %q", in, got, want)
		}
	}
}
