package practice

import "time"

const maxDevicesPerUser = 8

type operation struct {
	svc     service
	mutates bool
	decode  func(*request) (any, *apiError)
	run     func(*call, any) (any, *apiError)
}

type call struct {
	s      *Server
	st     *state
	now    time.Time
	key    *accessKey
	action string
	svc    service
	dirty  bool
}

func (c *call) authorize(input any) *apiError { return nil }

func lookupOperation(req *request, scope service) (*operation, *apiError) {
	return nil, errorf(400, "InvalidAction", "Could not find operation %s for version %s", sanitize(req.Action), scope.Version)
}
