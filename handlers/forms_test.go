package handlers

import "testing"

func TestPageLinks(t *testing.T) {
	t.Parallel()
	cases := []struct {
		page       int
		total      int64
		prev, next string
	}{
		{1, 50, "", ""},
		{1, 51, "", "/x?page=2&q=a"},
		{2, 101, "/x?page=1&q=a", "/x?page=3&q=a"},
		{3, 101, "/x?page=2&q=a", ""},
	}
	for _, c := range cases {
		p := paginate("/x", map[string]string{"q": "a", "role": ""}, c.page, 50, c.total)
		if p.Prev != c.prev || p.Next != c.next || p.Number != c.page || p.Count != int(c.total+49)/50 {
			t.Errorf("page %d of %d: %+v, want %q %q", c.page, c.total, p, c.prev, c.next)
		}
	}
}
